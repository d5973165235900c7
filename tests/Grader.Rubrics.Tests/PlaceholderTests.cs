namespace Grader.Rubrics.Tests;

internal static class Placeholder;
