namespace Grader.Cli.Tests;

internal static class Placeholder;
