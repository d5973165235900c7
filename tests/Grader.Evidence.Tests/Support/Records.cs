using Grader.Evidence.Model;
using Grader.Rubrics.Model;
using Grader.Rubrics.Results;
using Grader.Rubrics.Scoring;
using Grader.Runner.Checkout;
using Grader.Runner.Pipeline;

namespace Grader.Evidence.Tests.Support;

/// <summary>Evidence records for tests, built field by field (the mapping from a real grading run is tested on its own).</summary>
public static class Records
{
    public static readonly DateTimeOffset T0 = new(2026, 11, 2, 9, 0, 0, TimeSpan.Zero);

    /// <summary>A finished grading of a local folder by <c>runner-1</c> with these results, scored as the runner scores them.</summary>
    public static GradingRun RunOf(Rubric rubric, IReadOnlyList<CheckResult> results) => new()
    {
        Request = new GradingRequest { Rubric = rubric, Submission = new LocalFolderSubmission("/tmp/x") },
        RunnerId = "runner-1",
        StartedAt = T0,
        FinishedAt = T0.AddMinutes(1),
        Steps = [],
        Results = results,
        Review = RubricScorer.Score(rubric, results),
        GraderErrors = [],
        Logs = [],
    };

    public static EvidenceRecord Make(
        string login = "alice",
        string module = "MOD-101",
        string sha = "1111111111111111111111111111111111111111",
        double points = 80,
        bool passed = true,
        bool complete = true,
        int minutes = 0,
        string repository = "course/lab-alice",
        long? githubId = 1001,
        IReadOnlyList<CompetencyLevel>? competencies = null,
        IReadOnlyList<CriterionEvidence>? criteria = null) => new()
    {
        RecordId = Guid.CreateVersion7().ToString(),
        Learner = new LearnerRef(login, githubId),
        Submission = new SubmissionRef(repository, sha) { PullRequestNumber = 7, PullRequestUrl = $"https://github.com/{repository}/pull/7" },
        Module = new ModuleRef(module, module + " title"),
        Rubric = new RubricRef(module, "sha256:" + new string('a', 64)) { File = "rubrics/courses/x.yaml" },
        Criteria = criteria ??
        [
            new CriterionEvidence("build", "The image builds", points > 0 ? "met" : "not_met", points > 0 ? 20 : 0, 20) { Gate = true },
            new CriterionEvidence("unit-tests", "Unit tests pass", points >= 80 ? "met" : "partial", Math.Max(0, points - 20), 80) { Measure = 0.625, MeasuredValue = "5/8 passed" },
        ],
        Points = points,
        MaxPoints = 100,
        Percentage = points,
        Passed = passed && complete,
        Complete = complete,
        GraderErrors = complete ? [] : ["build: the Docker engine did not answer"],
        Competencies = competencies ?? (passed ? [new CompetencyLevel("containers", "Containerisation", "Proficient", ["build"])] : []),
        Runner = new RunnerRef("runner-1") { ImageDigest = "sha256:" + new string('b', 64) },
        StartedAt = T0.AddMinutes(minutes),
        GradedAt = T0.AddMinutes(minutes + 1),
        ReviewUrl = $"https://github.com/{repository}/pull/7#pullrequestreview-1",
        CheckRunUrl = $"https://github.com/{repository}/runs/1",
    };
}
