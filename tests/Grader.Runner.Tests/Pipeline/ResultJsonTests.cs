using System.Text.Json;
using Grader.Rubrics.Results;
using Grader.Rubrics.Scoring;
using Grader.Runner.Checkout;
using Grader.Runner.Pipeline;
using Grader.Runner.Results;

namespace Grader.Runner.Tests.Pipeline;

[TestFixture]
public sealed class ResultJsonTests
{
    private static GradingRun SampleRun()
    {
        var rubric = PipelineHarness.Rubric("""
              - id: size
                title: Small image
                points: 40
                gate: true
                check: { image_size: { max: 2GB } }
                evidence: [ { containers: Working } ]
              - id: unit-tests
                title: Tests pass
                points: 60
                check: { tests: { command: [pytest] } }
                credit: { linear: { zero: 50%, full: 100% } }
            """);
        CheckResult[] results =
        [
            new() { CriterionId = "size", Status = CheckStatus.Passed, Measure = 1.2e9, Values = new Dictionary<string, string> { ["size"] = "1.2 GB", ["max"] = "2 GB" }, Message = "1.2 GB", Duration = TimeSpan.FromMilliseconds(12) },
            new()
            {
                CriterionId = "unit-tests", Status = CheckStatus.Failed, Measure = 0.6, Message = "3 of 5 passed",
                Details = ["test_predict failed"],
                Annotations = [new Annotation("tests/test_app.py", 12, 12, AnnotationLevel.Failure, "assert 8.5 == 8.4", "test_predict")],
            },
        ];
        var start = new DateTimeOffset(2026, 11, 23, 9, 0, 0, TimeSpan.Zero);
        return new GradingRun
        {
            Request = new GradingRequest { Rubric = rubric, Submission = new RemoteRepositorySubmission(new Uri("https://github.com/org/lab.git"), "main", "abc123", Token: "secret-token-xyz"), RubricFile = "rubrics/courses/x.yaml", JobId = "job1" },
            RunnerId = "runner-a",
            CommitSha = "abc123",
            StartedAt = start,
            FinishedAt = start.AddSeconds(42),
            Steps = [new StepTiming(GradingSteps.Build, StepStatus.Succeeded, start, TimeSpan.FromSeconds(30))],
            Results = results,
            Review = RubricScorer.Score(rubric, results),
            GraderErrors = [new GraderErrorRecord(GradingSteps.Gpu, "no GPU on this runner")],
            Logs = [],
        };
    }

    [Test]
    public void Serialize_GradingRun_UsesTheDocumentedFieldNames()
    {
        var json = ResultJson.Serialize(ResultDocumentFactory.Create(SampleRun()));
        using var doc = JsonDocument.Parse(json);
        var root = doc.RootElement;

        Assert.Multiple(() =>
        {
            Assert.That(root.EnumerateObject().Select(p => p.Name), Is.EqualTo(new[]
            {
                "schemaVersion", "runnerId", "jobId", "startedAt", "finishedAt", "submission", "rubric", "verdict", "criteria", "evidence", "steps", "graderErrors",
            }));
            Assert.That(root.GetProperty("schemaVersion").GetInt32(), Is.EqualTo(1));
            Assert.That(root.GetProperty("submission").EnumerateObject().Select(p => p.Name), Is.EqualTo(new[] { "source", "kind", "commit" }));
            Assert.That(root.GetProperty("verdict").EnumerateObject().Select(p => p.Name), Is.EqualTo(new[]
            {
                "passed", "incomplete", "points", "max", "percentage", "event", "summary", "failedGates",
            }));
            var criterion = root.GetProperty("criteria")[1];
            Assert.That(criterion.EnumerateObject().Select(p => p.Name), Is.SupersetOf(new[]
            {
                "id", "title", "check", "outcome", "status", "points", "max", "gate", "measure", "values", "message", "feedback", "details", "annotations", "durationMs",
            }));
            Assert.That(criterion.GetProperty("outcome").GetString(), Is.EqualTo("partial"));
            Assert.That(criterion.GetProperty("status").GetString(), Is.EqualTo("failed"));
            Assert.That(criterion.GetProperty("annotations")[0].GetProperty("level").GetString(), Is.EqualTo("failure"));
            Assert.That(root.GetProperty("verdict").GetProperty("event").GetString(), Is.EqualTo("request_changes"));
            Assert.That(root.GetProperty("evidence")[0].GetProperty("competency").GetString(), Is.EqualTo("containers"));
            Assert.That(root.GetProperty("steps")[0].GetProperty("status").GetString(), Is.EqualTo("succeeded"));
            Assert.That(root.GetProperty("graderErrors")[0].GetProperty("step").GetString(), Is.EqualTo("gpu"));
            Assert.That(json, Does.Not.Contain("secret-token-xyz"));
        });
    }

    [Test]
    public void Deserialize_SerializedDocument_RoundTripsEveryField()
    {
        var original = ResultDocumentFactory.Create(SampleRun());

        var read = ResultJson.Deserialize(ResultJson.Serialize(original));

        Assert.Multiple(() =>
        {
            Assert.That(ResultJson.Serialize(read), Is.EqualTo(ResultJson.Serialize(original)));
            Assert.That(read.Verdict, Is.EqualTo(original.Verdict).Using<VerdictInfo>((a, b) => a.Points == b.Points && a.Passed == b.Passed && a.Event == b.Event && a.FailedGates.SequenceEqual(b.FailedGates)));
            Assert.That(read.Criteria[1].Values, Is.Empty);
            Assert.That(read.Criteria[0].Values["size"], Is.EqualTo("1.2 GB"));
            Assert.That(read.Criteria[1].Points, Is.EqualTo(original.Criteria[1].Points));
            Assert.That(read.Submission.Commit, Is.EqualTo("abc123"));
            Assert.That(read.FinishedAt - read.StartedAt, Is.EqualTo(TimeSpan.FromSeconds(42)));
        });
    }

    [Test]
    public void ReadAsync_NewerSchemaVersion_ThrowsInvalidData()
    {
        var json = ResultJson.Serialize(ResultDocumentFactory.Create(SampleRun())).Replace("\"schemaVersion\": 1", "\"schemaVersion\": 2", StringComparison.Ordinal);
        using var stream = new MemoryStream(System.Text.Encoding.UTF8.GetBytes(json));

        var ex = Assert.ThrowsAsync<InvalidDataException>(() => ResultJson.ReadAsync(stream, CancellationToken.None));

        Assert.That(ex!.Message, Does.Contain("schemaVersion 2"));
    }

    [Test]
    public void Deserialize_NotJson_ThrowsInvalidDataNotJsonException()
    {
        Assert.Throws<InvalidDataException>(() => ResultJson.Deserialize("{ not json"));
    }

    [Test]
    public void Create_GraderErrorCriterion_HasOutcomeGraderErrorAndIncompleteVerdict()
    {
        var run = SampleRun();
        CheckResult[] results = [CheckResult.GraderError("size", "engine down"), CheckResult.GraderError("unit-tests", "engine down")];
        run = run with { Results = results, Review = RubricScorer.Score(run.Request.Rubric, results) };

        var doc = ResultDocumentFactory.Create(run);

        Assert.Multiple(() =>
        {
            Assert.That(doc.Criteria.Select(c => c.Outcome), Is.All.EqualTo("grader_error"));
            Assert.That(doc.Verdict.Incomplete, Is.True);
            Assert.That(doc.Verdict.Event, Is.EqualTo("comment"));
        });
    }
}
