using Grader.Rubrics.Results;
using Grader.Rubrics.Scoring;
using Grader.Runner.Checkout;
using Grader.Runner.Pipeline;
using Grader.Runner.Results;
using Microsoft.Extensions.Time.Testing;

namespace Grader.Runner.Tests.Pipeline;

/// <summary>result.json is learner-readable: criteria not shown yet (or never) leave no trace in it; instructor exports keep them.</summary>
[TestFixture]
public sealed class ResultJsonVisibilityTests
{
    private const string SecretTitle = "Zanzibar secret contract";
    private const string SecretId = "zanzibar-secret";
    private const string SecretFailure = "expected quokka-42 from internal probe";

    private static readonly DateTimeOffset Due = new(2026, 12, 15, 22, 59, 0, TimeSpan.Zero);

    private static GradingRun Run(string visibility, DateTimeOffset now, DateTimeOffset? submittedAt = null)
    {
        var rubric = PipelineHarness.Rubric($"""
              - id: size
                title: Small image
                points: 82.75
                check: {"{"} image_size: {"{"} max: 2GB {"}"} {"}"}
                evidence: [ {"{"} containers: Working {"}"} ]
              - id: {SecretId}
                title: {SecretTitle}
                points: 17.25
                visibility: {visibility}
                check: {"{"} tests: {"{"} command: [pytest] {"}"} {"}"}
            """, extra: """
            deadline:
              due: 2026-12-15T23:59
              time_zone: Europe/Berlin
              late_policy: { penalty: 10%, per: day }
            """);
        CheckResult[] results =
        [
            new() { CriterionId = "size", Status = CheckStatus.Passed, Measure = 1.2e9 },
            new()
            {
                CriterionId = SecretId, Status = CheckStatus.Failed, Message = SecretFailure, Details = [SecretFailure],
                Annotations = [new Annotation("app.py", 3, 3, AnnotationLevel.Failure, SecretFailure, SecretTitle)],
            },
        ];
        var start = now.AddMinutes(-1);
        return new GradingRun
        {
            Request = new GradingRequest { Rubric = rubric, Submission = new LocalFolderSubmission("/tmp/x"), JobId = "job1", SubmittedAt = submittedAt },
            RunnerId = "runner-a",
            StartedAt = start,
            FinishedAt = now,
            Steps =
            [
                new StepTiming(GradingSteps.Build, StepStatus.Succeeded, start, TimeSpan.FromSeconds(3)),
                new StepTiming(GradingSteps.Check(SecretId), StepStatus.Failed, start, TimeSpan.FromSeconds(3), SecretFailure),
            ],
            Results = results,
            Review = RubricScorer.Score(rubric, results, SubmissionContext.Create(new FakeTimeProvider(now), submittedAt)),
            GraderErrors = [new GraderErrorRecord(GradingSteps.Check(SecretId), SecretFailure, SecretId)],
            Logs = [],
        };
    }

    [TestCase("hidden")]
    [TestCase("after_due_date")]
    [TestCase("after_published")]
    public void Create_ConcealedCriterion_LeavesNoTraceInTheLearnersResultJson(string visibility)
    {
        var json = ResultJson.Serialize(ResultDocumentFactory.Create(Run(visibility, now: Due.AddHours(-1))));
        Assert.Multiple(() =>
        {
            foreach (var secret in new[] { SecretTitle, SecretId, SecretFailure, "17.25" })
                Assert.That(json, Does.Not.Contain(secret), $"'{secret}' leaked");
            Assert.That(json, Does.Contain("\"max\": 100"), "the total still counts it");
            Assert.That(json, Does.Contain("\"notes\""));
        });
    }

    [Test]
    public void Create_InstructorExport_KeepsConcealedCriteria()
    {
        var doc = ResultDocumentFactory.Create(Run("hidden", now: Due), includeConcealed: true);
        Assert.Multiple(() =>
        {
            Assert.That(doc.Criteria.Select(c => c.Id), Does.Contain(SecretId));
            Assert.That(doc.Steps.Select(s => s.Name), Does.Contain(GradingSteps.Check(SecretId)));
            Assert.That(doc.Notes, Is.Null);
        });
    }

    [Test]
    public void Create_AfterDueDateOnceDue_ShowsTheCriterion()
    {
        var doc = ResultDocumentFactory.Create(Run("after_due_date", now: Due.AddMinutes(1)));
        Assert.That(doc.Criteria.Select(c => c.Id), Is.EqualTo(new[] { "size", SecretId }));
    }

    [Test]
    public void Create_LateSubmission_WritesRawPenaltyFinalAndWhy()
    {
        var doc = ResultDocumentFactory.Create(Run("visible", now: Due.AddDays(3), submittedAt: Due.AddDays(1).AddHours(1)));
        var late = doc.LateWork!;
        Assert.Multiple(() =>
        {
            Assert.That(late.Status, Is.EqualTo("late"));
            Assert.That(late.Units, Is.EqualTo(2));
            Assert.That(late.Penalty, Is.EqualTo(0.2).Within(1e-12));
            Assert.That(late.RawPoints, Is.EqualTo(82.75));
            Assert.That(late.FinalPoints, Is.EqualTo(66.2));
            Assert.That(late.PenaltyPoints, Is.EqualTo(16.55));
            Assert.That(late.LateByMinutes, Is.EqualTo(25 * 60));
            Assert.That(late.Explanation, Does.StartWith("Submitted 25h00m late"));
            Assert.That(doc.Verdict.Points, Is.EqualTo(66.2));
            Assert.That(ResultJson.Serialize(doc), Does.Contain("\"lateWork\""));
        });
    }

    [Test]
    public void Create_NoSubmissionTime_NoLateWorkField()
    {
        var json = ResultJson.Serialize(ResultDocumentFactory.Create(Run("visible", now: Due.AddDays(3))));
        Assert.That(json, Does.Not.Contain("lateWork"));
    }
}
