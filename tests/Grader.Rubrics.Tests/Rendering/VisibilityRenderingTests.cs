using Grader.Rubrics.Model;
using Grader.Rubrics.Rendering;
using Grader.Rubrics.Results;
using Grader.Rubrics.Scoring;
using Microsoft.Extensions.Time.Testing;
using Grader.Rubrics.Tests.Scoring;
using static Grader.Rubrics.Tests.Scoring.TestRubrics;

namespace Grader.Rubrics.Tests.Rendering;

/// <summary>Criteria not shown yet (or never) count toward the score, and nothing about them reaches any learner-facing output.</summary>
public sealed class VisibilityRenderingTests
{
    private const string SecretTitle = "Zanzibar secret contract";
    private const string SecretId = "zanzibar-secret";
    private const string SecretFailure = "expected quokka-42 from /internal/probe";
    // Only characters Markdown escaping leaves alone, so "does not contain" cannot pass because of escaping.
    private const string SecretDetail = "testquokkainternalcontract";
    private const string SecretLog = "platypus log line";
    private const string SecretFeedback = "Wombat feedback template";
    private const double SecretPoints = 17.25;

    private static readonly DateTimeOffset Due = new(2026, 12, 15, 22, 59, 0, TimeSpan.Zero);

    private static Rubric Rubric(CriterionVisibility visibility, bool gate = false) => TestRubrics.Rubric(
        Criterion("visible-one", 82.75, evidence: [new EvidenceSpec("automation", ProficiencyLevel.Proficient)]),
        Criterion(SecretId, SecretPoints, gate: gate,
            feedback: new FeedbackTemplates { NotMet = SecretFeedback, Hint = SecretFeedback },
            evidence: [new EvidenceSpec("reliability", ProficiencyLevel.Expert)]) with { Title = SecretTitle, Visibility = visibility })
        with { Deadline = new Deadline { Due = Due, TimeZoneId = "UTC" } };

    private static CheckResult SecretResult(bool passed) => (passed ? Passed(SecretId) : Failed(SecretId, message: SecretFailure)) with
    {
        Details = [SecretDetail],
        Logs = [new LogExcerpt("secret test output", SecretLog)],
        Annotations = [new Annotation("app.py", 3, 3, AnnotationLevel.Failure, SecretFailure, SecretDetail)],
    };

    private static ScoredReview Score(CriterionVisibility visibility, bool secretPassed, DateTimeOffset now, bool published = false, bool gate = false) =>
        RubricScorer.Score(Rubric(visibility, gate), [Passed("visible-one"), SecretResult(secretPassed)],
            SubmissionContext.Create(new FakeTimeProvider(now), submittedAt: Due.AddHours(-1), resultsPublished: published));

    /// <summary>Everything a learner can read: the review, the check run, the terminal table.</summary>
    private static string LearnerOutputs(ScoredReview review)
    {
        var checkRun = MarkdownReviewRenderer.RenderCheckRun(review);
        var table = ReviewTable.From(review);
        return string.Join("\n---\n",
            MarkdownReviewRenderer.RenderReview(review),
            checkRun.Title, checkRun.Summary, checkRun.Text,
            table.Heading, table.Summary, string.Join("\n", table.Notes),
            string.Join("\n", table.Rows.Select(r => $"{r.CriterionId} {r.Title} {r.OutcomeLabel} {r.Value} {r.Points}")),
            review.Summary);
    }

    private static void AssertNothingAboutTheSecret(string text)
    {
        foreach (var secret in new[] { SecretTitle, SecretId, SecretFailure, SecretDetail, SecretLog, SecretFeedback, "17.25", "Reliability" })
            Assert.That(text, Does.Not.Contain(secret), $"'{secret}' leaked");
    }

    [TestCase(true, TestName = "Render_HiddenCriterionPassed_NothingAboutItAppears")]
    [TestCase(false, TestName = "Render_HiddenCriterionFailed_NothingAboutItAppears")]
    public void Render_HiddenCriterion_NothingAboutItAppears(bool secretPassed)
    {
        var review = Score(CriterionVisibility.Hidden, secretPassed, now: Due.AddDays(30), published: true);
        var text = LearnerOutputs(review);
        Assert.Multiple(() =>
        {
            AssertNothingAboutTheSecret(text);
            Assert.That(text, Does.Contain("The total includes instructor-only criteria that are not shown."));
            Assert.That(text, Does.Not.Contain("More criteria will be graded"));
            Assert.That(review.Points, Is.EqualTo(secretPassed ? 100 : 82.75), "hidden criteria count");
            Assert.That(review.Criteria, Has.Count.EqualTo(2), "the full review keeps it for instructors");
        });
    }

    [Test]
    public void Render_AfterDueDateCriterionBeforeTheDueDate_OnlyTheSentenceThatMoreWillBeGraded()
    {
        var review = Score(CriterionVisibility.AfterDueDate, secretPassed: false, now: Due.AddSeconds(-1));
        var text = LearnerOutputs(review);
        Assert.Multiple(() =>
        {
            AssertNothingAboutTheSecret(text);
            Assert.That(text, Does.Contain("More criteria will be graded and shown after the due date; they already count in the total."));
            Assert.That(text, Does.Not.Contain("instructor-only"));
        });
    }

    [Test]
    public void Render_AfterDueDateCriterionFromTheDueDate_IsShownWithItsFailure()
    {
        var review = Score(CriterionVisibility.AfterDueDate, secretPassed: false, now: Due);
        var text = LearnerOutputs(review);
        Assert.Multiple(() =>
        {
            Assert.That(text, Does.Contain(SecretTitle));
            Assert.That(text, Does.Contain(SecretDetail));
            Assert.That(text, Does.Contain("0/17.25"));
            Assert.That(text, Does.Not.Contain("More criteria will be graded"));
        });
    }

    [Test]
    public void Render_AfterDueDateWithFakeClockAdvanced_AppearsOnlyOnceTheClockPassesTheDueDate()
    {
        var time = new FakeTimeProvider(Due.AddHours(-2));
        var rubric = Rubric(CriterionVisibility.AfterDueDate);
        CheckResult[] results = [Passed("visible-one"), SecretResult(false)];
        var before = RubricScorer.Score(rubric, results, SubmissionContext.Create(time, Due.AddHours(-3)));
        time.Advance(TimeSpan.FromHours(2));
        var after = RubricScorer.Score(rubric, results, SubmissionContext.Create(time, Due.AddHours(-3)));
        Assert.Multiple(() =>
        {
            Assert.That(MarkdownReviewRenderer.RenderReview(before), Does.Not.Contain(SecretTitle));
            Assert.That(MarkdownReviewRenderer.RenderReview(after), Does.Contain(SecretTitle));
            Assert.That(before.Points, Is.EqualTo(after.Points), "shown or not, it counts the same");
        });
    }

    [TestCase(false, false, TestName = "Render_AfterPublishedNotPublished_Concealed")]
    [TestCase(true, true, TestName = "Render_AfterPublishedPublished_Shown")]
    public void Render_AfterPublished_ShownOnlyWhenPublished(bool published, bool shown)
    {
        var review = Score(CriterionVisibility.AfterPublished, secretPassed: false, now: Due.AddDays(30), published: published);
        var text = LearnerOutputs(review);
        if (shown) Assert.That(text, Does.Contain(SecretTitle));
        else
        {
            AssertNothingAboutTheSecret(text);
            Assert.That(text, Does.Contain("More criteria will be graded and shown when the results are published"));
        }
    }

    [Test]
    public void Render_HiddenGateFailed_VerdictSaysARequiredCriterionNotShownFailedWithoutNamingIt()
    {
        var review = Score(CriterionVisibility.Hidden, secretPassed: false, now: Due, gate: true);
        var text = LearnerOutputs(review);
        Assert.Multiple(() =>
        {
            AssertNothingAboutTheSecret(text);
            Assert.That(review.Passed, Is.False);
            Assert.That(review.Summary, Does.Contain("a required criterion not shown here"));
        });
    }

    [Test]
    public void Render_HiddenCriterionGraderError_IncompleteWithoutCountingIt()
    {
        var review = RubricScorer.Score(Rubric(CriterionVisibility.Hidden), [Passed("visible-one"), CheckResult.GraderError(SecretId, SecretFailure)],
            SubmissionContext.Create(new FakeTimeProvider(Due)));
        var text = LearnerOutputs(review);
        Assert.Multiple(() =>
        {
            AssertNothingAboutTheSecret(text);
            Assert.That(review.Incomplete, Is.True);
            Assert.That(review.Summary, Does.StartWith("Incomplete: a grader error kept criteria from being graded"));
            Assert.That(MarkdownReviewRenderer.RenderReview(review), Does.Contain("A grader error kept criteria from being graded."));
        });
    }

    [Test]
    public void ForLearner_HiddenCriterion_RemovesItsEvidenceGatesAndRubricEntry()
    {
        var full = Score(CriterionVisibility.Hidden, secretPassed: true, now: Due);
        var learner = full.ForLearner();
        Assert.Multiple(() =>
        {
            Assert.That(full.Evidence.Select(e => e.CompetencyId), Does.Contain("reliability"));
            Assert.That(learner.Evidence.Select(e => e.CompetencyId), Is.EqualTo(new[] { "automation" }));
            Assert.That(learner.Rubric.Criteria.Select(c => c.Id), Is.EqualTo(new[] { "visible-one" }));
            Assert.That(learner.Criteria.Select(c => c.Criterion.Id), Is.EqualTo(new[] { "visible-one" }));
            Assert.That(learner.Points, Is.EqualTo(full.Points));
            Assert.That(learner.MaxPoints, Is.EqualTo(100));
            Assert.That(learner.ForLearner(), Is.SameAs(learner));
        });
    }

    [Test]
    public void Score_NoContext_OnlyVisibleCriteriaShown()
    {
        var review = RubricScorer.Score(Rubric(CriterionVisibility.AfterDueDate), [Passed("visible-one"), SecretResult(false)]);
        Assert.That(MarkdownReviewRenderer.RenderReview(review), Does.Not.Contain(SecretTitle));
    }

    [Test]
    public void Render_LateSubmission_ShowsRawPenaltyFinalAndWhy()
    {
        var rubric = TestRubrics.Rubric(Criterion("a", 80), Criterion("b", 20)) with
        {
            Deadline = new Deadline
            {
                Due = Due,
                TimeZoneId = "Europe/Berlin",
                LatePolicy = new LatePolicy { PenaltyPerUnit = 0.1, Unit = LateUnit.Day, Floor = 0.5 },
            },
        };
        var review = RubricScorer.Score(rubric, [Passed("a"), Failed("b")], SubmissionContext.Create(new FakeTimeProvider(Due.AddDays(3)), Due.AddDays(1).AddHours(2)));
        var markdown = MarkdownReviewRenderer.RenderReview(review);
        Assert.Multiple(() =>
        {
            Assert.That(markdown, Does.Contain("**Late work** — raw score 80/100, late penalty −16 (20%), final score 64/100. " +
                "Submitted 26h00m late (due 2026-12-15 23:59 Europe/Berlin (UTC+01:00)): 2 started days × 10% = 20% penalty."));
            Assert.That(markdown, Does.Contain("### ❌ Failed — 64/100 (64.0%)"));
            Assert.That(ReviewTable.From(review).Notes[0], Does.StartWith("raw score 80/100, late penalty −16 (20%), final score 64/100."));
        });
    }

    [Test]
    public void Render_WithinGrace_SaysSoWithoutAPenalty()
    {
        var rubric = TestRubrics.Rubric(Criterion("a", 10)) with { Deadline = new Deadline { Due = Due, TimeZoneId = "UTC", Grace = TimeSpan.FromMinutes(15) } };
        var review = RubricScorer.Score(rubric, [Passed("a")], SubmissionContext.Create(new FakeTimeProvider(Due), Due.AddMinutes(10)));
        Assert.That(MarkdownReviewRenderer.RenderReview(review), Does.Contain("within the 15m00s grace period: no penalty"));
    }

    [Test]
    public void Render_OnTime_NoLateWorkSection()
    {
        var rubric = TestRubrics.Rubric(Criterion("a", 10)) with { Deadline = new Deadline { Due = Due, TimeZoneId = "UTC" } };
        var review = RubricScorer.Score(rubric, [Passed("a")], SubmissionContext.Create(new FakeTimeProvider(Due), Due.AddMinutes(-10)));
        Assert.That(MarkdownReviewRenderer.RenderReview(review), Does.Not.Contain("Late work"));
    }

    [Test]
    public void WithVisibility_PublishedLater_SameScoresWithTheCriterionShownAndNothingPendingAnyMore()
    {
        var graded = Score(CriterionVisibility.AfterPublished, secretPassed: false, now: Due.AddDays(-1));

        var published = RubricScorer.WithVisibility(graded, SubmissionContext.Create(new FakeTimeProvider(Due.AddDays(2)), resultsPublished: true));

        Assert.Multiple(() =>
        {
            Assert.That((published.Points, published.Passed, published.Event), Is.EqualTo((graded.Points, graded.Passed, graded.Event)), "nothing is scored again");
            Assert.That(published.PendingVisibility, Is.Empty);
            Assert.That(LearnerOutputs(published), Does.Contain(SecretTitle));
            AssertNothingAboutTheSecret(LearnerOutputs(graded));
        });
    }

    [Test]
    public void WithVisibility_StateNotReachedYet_StillConcealed()
    {
        var graded = Score(CriterionVisibility.AfterDueDate, secretPassed: false, now: Due.AddDays(-2));

        var stillBefore = RubricScorer.WithVisibility(graded, SubmissionContext.Create(new FakeTimeProvider(Due.AddMinutes(-1)), resultsPublished: true));

        Assert.Multiple(() =>
        {
            Assert.That(stillBefore.PendingVisibility, Is.EqualTo(new[] { CriterionVisibility.AfterDueDate }));
            AssertNothingAboutTheSecret(LearnerOutputs(stillBefore));
        });
    }

    [Test]
    public void WithVisibility_LearnersView_Refused() =>
        Assert.Throws<ArgumentException>(() => RubricScorer.WithVisibility(
            Score(CriterionVisibility.AfterPublished, secretPassed: true, now: Due).ForLearner(), SubmissionContext.Create(new FakeTimeProvider(Due), resultsPublished: true)));
}
