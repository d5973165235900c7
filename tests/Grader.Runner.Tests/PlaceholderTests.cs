namespace Grader.Runner.Tests;

internal static class Placeholder;
