using Grader.Rubrics.Rendering;
using Grader.Runner.Pipeline;
using Grader.Runner.Results;

namespace Grader.Runner.Tests.Hostile;

/// <summary>Finds lines of the shipped hidden tests' source in what a learner gets to see of a graded run.</summary>
internal static class HiddenSource
{
    /// <summary>The review, the check run's summary and text, and result.json of a run, as one text.</summary>
    public static string Rendered(GradingRun run)
    {
        var checkRun = MarkdownReviewRenderer.RenderCheckRun(run.Review);
        return string.Join("\n",
            MarkdownReviewRenderer.RenderReview(run.Review),
            checkRun.Title,
            checkRun.Summary,
            checkRun.Text,
            ResultJson.Serialize(ResultDocumentFactory.Create(run)));
    }

    /// <summary>
    /// The distinctive lines of rubrics/hidden/mod-101-lab2 (imports and short lines such as <c>return total</c> aside)
    /// that occur in <paramref name="shown"/>: a test's name may be shown, its code never.
    /// </summary>
    public static IReadOnlyList<string> LinesIn(string shown)
    {
        var folder = Path.Combine(Examples.Mod101Lab2ExampleTests.FindRepositoryRoot(), "rubrics", "hidden", "mod-101-lab2");
        var lines = Directory.EnumerateFiles(folder, "*.py")
            .SelectMany(File.ReadLines)
            .Select(l => l.Trim())
            .Where(l => l.Length >= 16 && !l.StartsWith("import ", StringComparison.Ordinal) && !l.StartsWith("from ", StringComparison.Ordinal))
            .Distinct(StringComparer.Ordinal)
            .ToList();
        Assert.That(lines, Has.Count.GreaterThan(50), "the hidden tests' source was not found");
        return lines.Where(l => shown.Contains(l, StringComparison.Ordinal)).ToList();
    }
}
