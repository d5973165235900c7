using Grader.Rubrics.Model;
using Grader.Rubrics.Results;
using Grader.Rubrics.Scoring;
using static Grader.Rubrics.Tests.Scoring.TestRubrics;

namespace Grader.Rubrics.Tests.Scoring;

public class GraderErrorScoringTests
{
    [Test]
    public void Score_GraderErrorOnOneCriterion_IsIncompleteNotFailed()
    {
        var rubric = Rubric(Criterion("a", 50), Criterion("b", 50));

        var review = RubricScorer.Score(rubric, [Passed("a"), CheckResult.GraderError("b", "Docker engine unreachable")]);

        Assert.Multiple(() =>
        {
            Assert.That(review.Incomplete, Is.True);
            Assert.That(review.Passed, Is.False);
            Assert.That(review.Criteria[1].Outcome, Is.EqualTo(CriterionOutcome.GraderError));
            Assert.That(review.Criteria[1].Points, Is.Zero);
            Assert.That(review.GraderErrors, Is.EqualTo(new[] { "b" }));
            Assert.That(review.Event, Is.EqualTo(ReviewEvent.Comment));
            Assert.That(review.Summary, Does.StartWith("Incomplete: a grader error kept 1 criterion from being graded"));
            Assert.That(review.Summary, Does.Not.Contain("Failed"));
        });
    }

    [Test]
    public void Score_GraderErrorWhileEverythingElseFails_StillIncompleteAndNeverRequestsChanges()
    {
        var rubric = Rubric(Criterion("a", 50), Criterion("b", 50)) with
        {
            Review = new ReviewPolicy { OnIncomplete = ReviewEvent.RequestChanges },
        };

        var review = RubricScorer.Score(rubric, [Failed("a"), CheckResult.GraderError("b", "runner lost")]);

        Assert.Multiple(() =>
        {
            Assert.That(review.Incomplete, Is.True);
            Assert.That(review.Event, Is.EqualTo(ReviewEvent.Comment));
        });
    }

    [Test]
    public void Score_GraderErrorFeedback_SaysNotCountedAgainstLearner()
    {
        var rubric = Rubric(Criterion("b", 50, feedback: new FeedbackTemplates { NotMet = "custom not met" }));

        var scored = RubricScorer.Score(rubric, [CheckResult.GraderError("b", "no GPU on this runner")]).Criteria[0];

        Assert.That(scored.Feedback, Is.EqualTo(
            "The grader could not check this: no GPU on this runner. This is the grader's fault, not counted against you; it will be re-graded."));
    }

    [Test]
    public void Score_CriterionWithoutResult_IsGraderErrorNoResultFromRunner()
    {
        var rubric = Rubric(Criterion("a", 50), Criterion("b", 50));

        var review = RubricScorer.Score(rubric, [Passed("a")]);

        Assert.Multiple(() =>
        {
            Assert.That(review.Criteria[1].Outcome, Is.EqualTo(CriterionOutcome.GraderError));
            Assert.That(review.Criteria[1].Result.Message, Is.EqualTo("no result from the runner"));
            Assert.That(review.Incomplete, Is.True);
        });
    }

    [Test]
    public void Score_NotRun_IsNotMetAndTheLearnersOutcome()
    {
        var rubric = Rubric(Criterion("a", 50), Criterion("b", 50));

        var review = RubricScorer.Score(rubric, [Passed("a"), CheckResult.NotRunBecause("b", "the image did not build.")]);

        Assert.Multiple(() =>
        {
            Assert.That(review.Criteria[1].Outcome, Is.EqualTo(CriterionOutcome.NotMet));
            Assert.That(review.Criteria[1].Feedback, Is.EqualTo("Not run: the image did not build"));
            Assert.That(review.Incomplete, Is.False);
            Assert.That(review.Passed, Is.False);
            Assert.That(review.Event, Is.EqualTo(ReviewEvent.RequestChanges));
        });
    }
}
