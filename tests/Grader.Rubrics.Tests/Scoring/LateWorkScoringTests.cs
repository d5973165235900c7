using Grader.Rubrics.Model;
using Grader.Rubrics.Scoring;
using Microsoft.Extensions.Time.Testing;
using static Grader.Rubrics.Tests.Scoring.TestRubrics;

namespace Grader.Rubrics.Tests.Scoring;

public sealed class LateWorkScoringTests
{
    private static readonly DateTimeOffset Due = new(2026, 12, 15, 22, 59, 0, TimeSpan.Zero);

    /// <summary>80 of 100 points earned; due <see cref="Due"/> (UTC), 10% per started day down to 50%, pass mark 70%.</summary>
    private static Rubric Rubric(LatePolicy? policy = null) => TestRubrics.Rubric(Criterion("a", 80), Criterion("b", 20)) with
    {
        Deadline = new Deadline
        {
            Due = Due,
            TimeZoneId = "UTC",
            LatePolicy = policy ?? new LatePolicy { PenaltyPerUnit = 0.1, Unit = LateUnit.Day, Floor = 0.5 },
            Close = Due.AddDays(7),
        },
    };

    private static ScoredReview Score(Rubric rubric, DateTimeOffset? submittedAt, FakeTimeProvider? time = null) =>
        RubricScorer.Score(rubric, [Passed("a"), Failed("b")], SubmissionContext.Create(time ?? new FakeTimeProvider(Due.AddDays(10)), submittedAt));

    [Test]
    public void Score_TwoDaysLate_FinalIsRawLessTwentyPercentAndFailsThePassMark()
    {
        var review = Score(Rubric(), Due.AddDays(1).AddHours(1));
        Assert.Multiple(() =>
        {
            Assert.That(review.RawPoints, Is.EqualTo(80));
            Assert.That(review.Points, Is.EqualTo(64));
            Assert.That(review.PenaltyPoints, Is.EqualTo(16));
            Assert.That(review.Percentage, Is.EqualTo(64));
            Assert.That(review.Passed, Is.False, "80% raw would pass; 64% after the penalty does not");
            Assert.That(review.LateWork!.Status, Is.EqualTo(LateStatus.Late));
            Assert.That(review.Summary, Is.EqualTo("Failed: 64/100 (64.0%) after a 20% late penalty (raw score 80), below the 70% pass mark."));
        });
    }

    [Test]
    public void Score_OnTime_NoPenaltyAndTheSummaryIsUnchanged()
    {
        var review = Score(Rubric(), Due.AddMinutes(-5));
        Assert.Multiple(() =>
        {
            Assert.That(review.Points, Is.EqualTo(80));
            Assert.That(review.RawPoints, Is.EqualTo(80));
            Assert.That(review.PenaltyPoints, Is.Zero);
            Assert.That(review.Passed, Is.True);
            Assert.That(review.LateWork!.Status, Is.EqualTo(LateStatus.OnTime));
            Assert.That(review.Summary, Is.EqualTo("Passed: 80/100 (80.0%)"));
        });
    }

    [Test]
    public void Score_NoSubmissionTime_AssessesNoLatenessWhateverTheClockSays()
    {
        // The grader's clock is ten days past due: a queue backlog must never make anyone late.
        var review = Score(Rubric(), submittedAt: null);
        Assert.Multiple(() =>
        {
            Assert.That(review.LateWork, Is.Null);
            Assert.That(review.Points, Is.EqualTo(80));
            Assert.That(review.Passed, Is.True);
        });
    }

    [Test]
    public void Score_LateUnderNotAccepted_ScoresZeroAndKeepsTheRawScore()
    {
        var review = Score(Rubric(new LatePolicy { NotAccepted = true }), Due.AddHours(3));
        Assert.Multiple(() =>
        {
            Assert.That(review.Points, Is.Zero);
            Assert.That(review.RawPoints, Is.EqualTo(80));
            Assert.That(review.Passed, Is.False);
            Assert.That(review.Summary, Does.Contain("late work is not accepted; raw score 80"));
        });
    }

    [Test]
    public void Score_FarPastDue_PenaltyStopsAtTheFloor()
    {
        var review = Score(Rubric(), Due.AddDays(6.5));
        Assert.Multiple(() =>
        {
            Assert.That(review.Points, Is.EqualTo(40));
            Assert.That(review.LateWork!.Penalty, Is.EqualTo(0.5));
        });
    }

    [Test]
    public void Score_RubricWithoutDeadline_IgnoresTheSubmissionTime()
    {
        var review = RubricScorer.Score(TestRubrics.Rubric(Criterion("a", 10)), [Passed("a")], SubmissionContext.Create(new FakeTimeProvider(Due), Due.AddYears(1)));
        Assert.Multiple(() =>
        {
            Assert.That(review.LateWork, Is.Null);
            Assert.That(review.Points, Is.EqualTo(10));
        });
    }

    [Test]
    public void Score_WithExtension_SameTimeIsOnTime()
    {
        var rubric = Rubric();
        var context = SubmissionContext.Create(new FakeTimeProvider(Due), Due.AddDays(1)) with { Extension = DeadlineExtension.Of(TimeSpan.FromDays(2)) };
        var review = RubricScorer.Score(rubric, [Passed("a"), Failed("b")], context);
        Assert.Multiple(() =>
        {
            Assert.That(review.LateWork!.Status, Is.EqualTo(LateStatus.OnTime));
            Assert.That(review.Points, Is.EqualTo(80));
        });
    }
}
