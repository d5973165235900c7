namespace Grader.GitHub.Tests;

internal static class Placeholder;
