namespace Grader.Bot.Tests;

internal static class Placeholder;
