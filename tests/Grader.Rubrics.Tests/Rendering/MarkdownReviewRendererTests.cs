using Grader.Rubrics.Rendering;
using Grader.Rubrics.Results;
using Grader.Rubrics.Scoring;
using static Grader.Rubrics.Tests.Scoring.TestRubrics;

namespace Grader.Rubrics.Tests.Rendering;

public class MarkdownReviewRendererTests
{
    [Test]
    public void RenderReview_Passed_StartsWithVerdictAndScore()
    {
        var rubric = SampleReviews.Rubric();
        var review = RubricScorer.Score(rubric, AllPassed(rubric));

        var body = MarkdownReviewRenderer.RenderReview(review);

        Assert.That(body, Does.StartWith("### ✅ Passed — 100/100 (100.0%)"));
    }

    [Test]
    public void RenderReview_Failed_VerdictThenTableThenFeedbackThenLogs()
    {
        var body = MarkdownReviewRenderer.RenderReview(SampleReviews.Failing());

        var verdict = body.IndexOf("### ❌ Failed — 50/100 (50.0%)", StringComparison.Ordinal);
        var table = body.IndexOf("| Criterion | Outcome | Measured | Points |", StringComparison.Ordinal);
        var feedback = body.IndexOf("#### What to improve", StringComparison.Ordinal);
        var logs = body.IndexOf("<details>", StringComparison.Ordinal);
        Assert.Multiple(() =>
        {
            Assert.That(verdict, Is.Zero);
            Assert.That(table, Is.GreaterThan(verdict));
            Assert.That(feedback, Is.GreaterThan(table));
            Assert.That(logs, Is.GreaterThan(feedback));
            Assert.That(body, Does.Contain("| Title of tests | 🟡 Partial | 8/10 passed | 30/50 |"));
            Assert.That(body, Does.Contain("| Title of size · _required_ | ✅ Met | 1.2 GB | 20/20 |"));
        });
    }

    [Test]
    public void RenderReview_HostileLearnerText_CannotInjectMarkupOrMentions()
    {
        var body = MarkdownReviewRenderer.RenderReview(SampleReviews.Failing());
        var outsideFences = StripFencedBlocks(body);

        Assert.Multiple(() =>
        {
            Assert.That(outsideFences, Does.Not.Contain("<script"));
            Assert.That(outsideFences, Does.Not.Contain("](javascript"));
            // Mentions inside code blocks are not processed by GitHub; everywhere else they are broken.
            Assert.That(outsideFences, Does.Not.Contain("@org/team"));
            // Exactly one details element opened and closed by the renderer; the learner's "</details>" is inside a fence.
            Assert.That(CountOf(outsideFences, "</details>"), Is.EqualTo(1));
            Assert.That(CountOf(outsideFences, "<details>"), Is.EqualTo(1));
        });
    }

    [Test]
    public void RenderReview_DetailLineWithPipeAndNewline_StaysOneListItem()
    {
        var body = MarkdownReviewRenderer.RenderReview(SampleReviews.Failing());

        var line = body.Split('\n').Single(l => l.StartsWith("- test\\_predict\\_shape", StringComparison.Ordinal));
        Assert.That(line, Does.Contain(@"a\|b next"));
    }

    [Test]
    public void RenderReview_Incomplete_SaysGraderErrorAndNotCountedAgainstLearner()
    {
        var body = MarkdownReviewRenderer.RenderReview(SampleReviews.Incomplete());

        Assert.Multiple(() =>
        {
            Assert.That(body, Does.StartWith("### ⚠️ Incomplete — grader error"));
            Assert.That(body, Does.Contain("not counted against you; it will be re-graded"));
            Assert.That(body, Does.Contain("#### ⚠️ Grader errors (not counted against you)"));
            Assert.That(body, Does.Contain("| Title of gpu | ⚠️ Grader error | — | —/30 |"));
            Assert.That(body, Does.Not.Contain("Failed"));
        });
    }

    [Test]
    public void RenderReview_MetCriteria_ListsCompetencyEvidence()
    {
        var body = MarkdownReviewRenderer.RenderReview(SampleReviews.Failing());

        Assert.That(body, Does.Contain("- **Automation**: Proficient (shown by Title of size)"));
    }

    [Test]
    public void RenderReview_EvidenceUrl_LinksFromTheCompetencySection()
    {
        var body = MarkdownReviewRenderer.RenderReview(SampleReviews.Failing(), evidenceUrl: new Uri("https://grader.example.edu/reports/export?format=html&learner=a(b)"));
        var plain = MarkdownReviewRenderer.RenderReview(SampleReviews.Failing());

        var section = body[body.IndexOf("#### Competency evidence", StringComparison.Ordinal)..];
        Assert.That(section, Does.Contain("[All your competency evidence](https://grader.example.edu/reports/export?format=html&learner=a%28b%29)"));
        Assert.That(plain, Does.Not.Contain("All your competency evidence"));
    }

    [Test]
    public void RenderReview_NotRunCriterion_IsLabelledNotRun()
    {
        var rubric = SampleReviews.Rubric();
        var review = RubricScorer.Score(rubric,
        [
            CheckResult.NotRunBecause("size", "the image did not build"),
            CheckResult.NotRunBecause("tests", "the image did not build"),
            CheckResult.NotRunBecause("gpu", "the image did not build"),
        ]);

        var body = MarkdownReviewRenderer.RenderReview(review);

        Assert.That(body, Does.Contain("| Title of size · _required_ | ❌ Not run | — | 0/20 |"));
    }

    [Test]
    public void RenderCheckRun_Failing_SummaryHasVerdictAndTableTextHasDetails()
    {
        var output = MarkdownReviewRenderer.RenderCheckRun(SampleReviews.Failing());

        Assert.Multiple(() =>
        {
            Assert.That(output.Title, Is.EqualTo("❌ Failed — 50/100 (50.0%)"));
            Assert.That(output.Summary, Does.StartWith("### ❌ Failed"));
            Assert.That(output.Summary, Does.Contain("| Criterion |"));
            Assert.That(output.Text, Does.StartWith("#### What to improve"));
            Assert.That(output.Text, Does.Contain("<details>"));
        });
    }

    internal static string StripFencedBlocks(string markdown)
    {
        var kept = new List<string>();
        string? fence = null;
        foreach (var line in markdown.Split('\n'))
        {
            if (fence is null && line.StartsWith("```", StringComparison.Ordinal))
                fence = new string('`', line.TakeWhile(c => c == '`').Count());
            else if (fence is not null && line == fence)
                fence = null;
            else if (fence is null)
                kept.Add(line);
        }
        return string.Join('\n', kept);
    }

    private static int CountOf(string text, string value) =>
        (text.Length - text.Replace(value, "", StringComparison.Ordinal).Length) / value.Length;
}
