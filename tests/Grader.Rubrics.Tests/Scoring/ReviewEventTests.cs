using Grader.Rubrics.Model;
using Grader.Rubrics.Results;
using Grader.Rubrics.Scoring;
using static Grader.Rubrics.Tests.Scoring.TestRubrics;

namespace Grader.Rubrics.Tests.Scoring;

public class ReviewEventTests
{
    private static readonly ReviewPolicy Policy = new()
    {
        OnPass = ReviewEvent.Comment,
        OnFail = ReviewEvent.Comment,
        OnGateFailure = ReviewEvent.RequestChanges,
        OnIncomplete = ReviewEvent.Comment,
    };

    private static Rubric Sample(ReviewPolicy policy) => Rubric(Criterion("gate", 10, gate: true), Criterion("rest", 90)) with { Review = policy };

    [Test]
    public void Score_Passed_UsesOnPass()
    {
        Assert.That(RubricScorer.Score(Sample(Policy), [Passed("gate"), Passed("rest")]).Event, Is.EqualTo(ReviewEvent.Comment));
    }

    [Test]
    public void Score_FailedOnPoints_UsesOnFail()
    {
        Assert.That(RubricScorer.Score(Sample(Policy), [Passed("gate"), Failed("rest")]).Event, Is.EqualTo(ReviewEvent.Comment));
    }

    [Test]
    public void Score_GateFailed_UsesOnGateFailure()
    {
        Assert.That(RubricScorer.Score(Sample(Policy), [Failed("gate"), Passed("rest")]).Event, Is.EqualTo(ReviewEvent.RequestChanges));
    }

    [Test]
    public void Score_GateFailedWithoutOnGateFailure_FallsBackToOnFail()
    {
        var policy = Policy with { OnGateFailure = null, OnFail = ReviewEvent.Comment };

        Assert.That(RubricScorer.Score(Sample(policy), [Failed("gate"), Passed("rest")]).Event, Is.EqualTo(ReviewEvent.Comment));
    }

    [Test]
    public void Score_DefaultPolicy_ApprovesPassAndRequestsChangesOnFail()
    {
        var rubric = Sample(new ReviewPolicy());

        Assert.Multiple(() =>
        {
            Assert.That(RubricScorer.Score(rubric, [Passed("gate"), Passed("rest")]).Event, Is.EqualTo(ReviewEvent.Approve));
            Assert.That(RubricScorer.Score(rubric, [Passed("gate"), Failed("rest")]).Event, Is.EqualTo(ReviewEvent.RequestChanges));
            Assert.That(RubricScorer.Score(rubric, [Passed("gate"), CheckResult.GraderError("rest", "x")]).Event, Is.EqualTo(ReviewEvent.Comment));
        });
    }

    [Test]
    public void Score_IncompleteWithApproveOnIncomplete_HonoursPolicy()
    {
        var policy = Policy with { OnIncomplete = ReviewEvent.Approve };

        Assert.That(RubricScorer.Score(Sample(policy), [Passed("gate"), CheckResult.GraderError("rest", "x")]).Event, Is.EqualTo(ReviewEvent.Approve));
    }
}
