using Grader.Rubrics.Model;
using Grader.Rubrics.Results;
using Grader.Rubrics.Scoring;
using static Grader.Rubrics.Tests.Scoring.TestRubrics;

namespace Grader.Rubrics.Tests.Scoring;

public class GateScoringTests
{
    [Test]
    public void Score_GateNotMetWithEverythingElseFull_FailsAndListsGate()
    {
        var rubric = Rubric(Criterion("size", 10, gate: true), Criterion("tests", 90));

        var review = RubricScorer.Score(rubric, [Failed("size"), Passed("tests")]);

        Assert.Multiple(() =>
        {
            Assert.That(review.Percentage, Is.EqualTo(90.0));
            Assert.That(review.Passed, Is.False);
            Assert.That(review.Incomplete, Is.False);
            Assert.That(review.FailedGates, Is.EqualTo(new[] { "size" }));
            Assert.That(review.Summary, Does.StartWith("Failed: required criterion not met (Title of size)"));
        });
    }

    [Test]
    public void Score_GateOnlyPartlyMet_FailsTheModule()
    {
        var rubric = Rubric(Criterion("tests", 50, gate: true, credit: new LinearCredit(0.5, 1.0)), Criterion("docs", 50));

        var review = RubricScorer.Score(rubric, [Failed("tests", measure: 0.9), Passed("docs")]);

        Assert.Multiple(() =>
        {
            Assert.That(review.Criteria[0].Outcome, Is.EqualTo(CriterionOutcome.Partial));
            Assert.That(review.Points, Is.EqualTo(90));
            Assert.That(review.Passed, Is.False);
            Assert.That(review.FailedGates, Is.EqualTo(new[] { "tests" }));
        });
    }

    [Test]
    public void Score_GateNotRun_FailsTheModule()
    {
        var rubric = Rubric(Criterion("build", 10, gate: true), Criterion("docs", 90));

        var review = RubricScorer.Score(rubric, [CheckResult.NotRunBecause("build", "the Dockerfile has a syntax error"), Passed("docs")]);

        Assert.Multiple(() =>
        {
            Assert.That(review.Criteria[0].Outcome, Is.EqualTo(CriterionOutcome.NotMet));
            Assert.That(review.Passed, Is.False);
            Assert.That(review.FailedGates, Is.EqualTo(new[] { "build" }));
        });
    }

    [Test]
    public void Score_GateWithGraderError_IsIncompleteNotFailedGate()
    {
        var rubric = Rubric(Criterion("gpu", 10, gate: true), Criterion("docs", 90));

        var review = RubricScorer.Score(rubric, [CheckResult.GraderError("gpu", "no GPU on this runner"), Passed("docs")]);

        Assert.Multiple(() =>
        {
            Assert.That(review.FailedGates, Is.Empty);
            Assert.That(review.Incomplete, Is.True);
            Assert.That(review.Passed, Is.False);
            Assert.That(review.Summary, Does.StartWith("Incomplete"));
        });
    }

    [Test]
    public void Score_AllGatesMetAndAbovePassMark_Passes()
    {
        var rubric = Rubric(Criterion("size", 20, gate: true), Criterion("tests", 80));

        var review = RubricScorer.Score(rubric, AllPassed(rubric));

        Assert.Multiple(() =>
        {
            Assert.That(review.Passed, Is.True);
            Assert.That(review.Event, Is.EqualTo(ReviewEvent.Approve));
            Assert.That(review.Summary, Is.EqualTo("Passed: 100/100 (100.0%)"));
        });
    }
}
