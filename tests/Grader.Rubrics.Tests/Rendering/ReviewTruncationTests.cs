using Grader.Rubrics.Rendering;
using Grader.Rubrics.Results;
using Grader.Rubrics.Scoring;
using static Grader.Rubrics.Tests.Scoring.TestRubrics;

namespace Grader.Rubrics.Tests.Rendering;

public class ReviewTruncationTests
{
    private static ScoredReview Huge()
    {
        var criteria = Enumerable.Range(0, 12).Select(i => Criterion($"c{i}", 1)).ToArray();
        var rubric = Rubric(criteria);
        var log = string.Join('\n', Enumerable.Range(0, 2000).Select(i => $"line {i} ```` </details> {new string('x', 40)}"));
        var results = criteria.Select(c => Failed(c.Id, message: "failed") with
        {
            Details = Enumerable.Range(0, 100).Select(i => $"detail {i} {new string('y', 20)}").ToList(),
            Logs = [new LogExcerpt("output", log)],
        }).ToArray();
        return RubricScorer.Score(rubric, results);
    }

    [Test]
    public void RenderReview_HugeReview_FitsGitHubLimitWithNote()
    {
        var body = MarkdownReviewRenderer.RenderReview(Huge());

        Assert.Multiple(() =>
        {
            Assert.That(body, Has.Length.LessThanOrEqualTo(65535));
            Assert.That(body, Does.StartWith("### ❌ Failed"));
            Assert.That(body, Does.EndWith("left out to fit GitHub's 65,535-character limit; the check run and result.json have the full report._"));
        });
    }

    [Test]
    public void RenderReview_Truncated_NeverCutsInsideFenceOrDetails()
    {
        var body = MarkdownReviewRenderer.RenderReview(Huge());

        var outside = MarkdownReviewRendererTests.StripFencedBlocks(body);
        var opened = outside.Split("<details>").Length - 1;
        var closed = outside.Split("</details>").Length - 1;
        Assert.Multiple(() =>
        {
            Assert.That(opened, Is.GreaterThan(0));
            Assert.That(closed, Is.EqualTo(opened));
            // Every fence opened is closed: stripping fenced blocks leaves no fence line behind.
            Assert.That(outside.Split('\n').Any(l => l.StartsWith("```", StringComparison.Ordinal)), Is.False);
        });
    }

    [Test]
    public void RenderReview_LongLogAndManyDetails_AreBoundedPerCriterion()
    {
        var body = MarkdownReviewRenderer.RenderReview(Huge());

        Assert.Multiple(() =>
        {
            Assert.That(body, Does.Contain("- _… and 70 more_"));
            Assert.That(body, Does.Contain("earlier characters cut"));
        });
    }

    [Test]
    public void RenderCheckRun_SmallLimit_BothPartsWithinLimit()
    {
        var output = MarkdownReviewRenderer.RenderCheckRun(Huge(), limit: 5000);

        Assert.Multiple(() =>
        {
            Assert.That(output.Summary, Has.Length.LessThanOrEqualTo(5000));
            Assert.That(output.Text, Has.Length.LessThanOrEqualTo(5000));
            Assert.That(output.Summary, Does.StartWith("### ❌ Failed"));
        });
    }
}
