using Grader.Rubrics.Rendering;
using Grader.Rubrics.Scoring;

namespace Grader.Rubrics.Tests.Rendering;

public class ReviewTableTests
{
    [Test]
    public void From_FailingReview_OneRowPerCriterionInRubricOrder()
    {
        var table = ReviewTable.From(SampleReviews.Failing());

        Assert.Multiple(() =>
        {
            Assert.That(table.Verdict, Is.EqualTo(Verdict.Failed));
            Assert.That(table.Heading, Is.EqualTo("❌ Failed — 50/100 (50.0%)"));
            Assert.That(table.Rows.Select(r => r.CriterionId), Is.EqualTo(new[] { "size", "tests", "gpu" }));
            Assert.That(table.Rows[1], Is.EqualTo(new ReviewTableRow("tests", "Title of tests", false, CriterionOutcome.Partial, "🟡 Partial", "8/10 passed", "30/50")));
            Assert.That(table.Rows[0].Gate, Is.True);
        });
    }

    [Test]
    public void From_IncompleteReview_VerdictIncompleteAndGraderErrorPointsDash()
    {
        var table = ReviewTable.From(SampleReviews.Incomplete());

        Assert.Multiple(() =>
        {
            Assert.That(table.Verdict, Is.EqualTo(Verdict.Incomplete));
            Assert.That(table.Rows[2].Points, Is.EqualTo("—/30"));
            Assert.That(table.Rows[2].OutcomeLabel, Is.EqualTo("⚠️ Grader error"));
        });
    }
}
