using Grader.Action.Tests.Support;
using Grader.Testing.GitHub;

namespace Grader.Action.Tests;

/// <summary>
/// The action end to end: the commit of a real git workspace exported, built and tested in Docker, outputs and job summary written as the
/// Actions runner expects, and the check run and review published through prism (GitHub's OpenAPI
/// description) to the emulator with a workflow-style token.
/// </summary>
[Category("Docker")]
public sealed class GradingActionTests : ActionTestBase
{
    private const string Rubric = """
        module: { id: MOD-ACT, title: Action smoke test }
        competencies:
          infrastructure-automation: { name: Infrastructure automation, level: Working }
        criteria:
          - id: builds
            title: The image builds
            points: 40
            check: { build: { max_time: 5m } }
          - id: tests
            title: Tests pass
            points: 40
            check:
              tests: { command: ["sh", "/app/test.sh"], report: exit_code, timeout: 1m }
            evidence:
              - infrastructure-automation: Working
          - id: healthcheck
            title: The Dockerfile declares a HEALTHCHECK
            points: 20
            check: { dockerfile: { pinned_base: true, non_root: false, healthcheck: true, no_secrets: true } }
        """;

    private static readonly Dictionary<string, string> Submission = new()
    {
        ["Dockerfile"] = "FROM grader/busybox:1\nCOPY test.sh /app/test.sh\nCMD [\"sh\"]\n",
        ["test.sh"] = "echo running the tests\nexit 0\n",
    };

    [SetUp]
    public Task WriteRubricAsync() => WriteRubricAsync(Rubric);

    [Test]
    public async Task RunAsync_PullRequestEvent_WritesOutputsAndPublishesCheckRunAndOneReview()
    {
        var head = await CommitAsync(Submission);
        var (environment, repository, pullRequest) = await PullRequestEnvironmentAsync(head);

        var run = await RunActionAsync(Settings(), environment);

        Assert.That(run.ExitCode, Is.EqualTo(ActionExitCodes.Passed), run.Output);
        var outputs = await File.ReadAllTextAsync(environment.OutputPath!);
        var summary = await File.ReadAllTextAsync(environment.StepSummaryPath!);
        var result = await File.ReadAllTextAsync(Path.Combine(OutPath, "result.json"));
        var checkRun = GitHub.Emulator.CheckRuns(repository).Single(r => r.HeadSha == pullRequest.HeadSha);
        var review = GitHub.Emulator.Reviews(repository, pullRequest.Number).Single();
        Assert.Multiple(() =>
        {
            Assert.That(outputs, Does.Contain("passed=true\n").And.Contain("points=80\n").And.Contain("percentage=80\n"));
            Assert.That(summary, Does.Contain("The image builds").And.Contain("HEALTHCHECK"));
            Assert.That(result, Does.Contain(head), "result.json names the graded commit");
            Assert.That(run.Runner.Commands.Select(c => (c.Name, c.Properties.GetValueOrDefault("file"), c.Properties.GetValueOrDefault("line"))),
                Does.Contain(("error", (string?)"Dockerfile", (string?)"1")), "the missing HEALTHCHECK annotates the Dockerfile");
            Assert.That(run.Runner.StoppedAtEnd, Is.False, "later steps' commands still work");
            Assert.That(checkRun.Conclusion, Is.EqualTo("success"));
            Assert.That(checkRun.Annotations.Select(a => ((string?)a["path"], (int?)a["start_line"])), Does.Contain(((string?)"Dockerfile", (int?)1)));
            Assert.That(review.CommitId, Is.EqualTo(pullRequest.HeadSha));
            Assert.That(review.Body, Does.Contain("The image builds"));
        });
    }

    [Test]
    public async Task RunAsync_PullRequestEventOnATrustedRunner_RecordsSignedEvidenceOfTheAuthorWithCheckRunAndReview()
    {
        var (environment, repository, pullRequest) = await PullRequestEnvironmentAsync(await CommitAsync(Submission));
        var store = Path.Combine(Root, "evidence", "evidence.db");
        var author = System.Text.Json.Nodes.JsonNode.Parse(await File.ReadAllTextAsync(environment.EventPath!))!["pull_request"]!["user"]!;

        var run = await RunActionAsync(Settings(allowPersistentRunner: true), environment, evidenceStore: store);

        Assert.That(run.ExitCode, Is.EqualTo(ActionExitCodes.Passed), run.Output);
        await using var db = await Grader.Evidence.Store.EvidenceDatabase.OpenAsync(Grader.Evidence.Database.DatabaseLocation.Parse(store), null, CancellationToken.None);
        var row = (await db.Records.QueryAsync(new Grader.Evidence.Store.EvidenceQuery { WithJson = true }, CancellationToken.None).ToListAsync()).Single();
        var record = row.Record();
        var checkRun = GitHub.Emulator.CheckRuns(repository).Single(r => r.HeadSha == pullRequest.HeadSha);
        var review = GitHub.Emulator.Reviews(repository, pullRequest.Number).Single();
        using var key = Grader.Evidence.Signing.EvidenceSigningKey.Load(store + ".signing-key.pem");
        Assert.Multiple(() =>
        {
            Assert.That(record.Learner, Is.EqualTo(new Grader.Evidence.Model.LearnerRef(author["login"]!.GetValue<string>(), author["id"]!.GetValue<long>())));
            Assert.That((record.Submission.Repository, record.Submission.HeadSha, record.Submission.PullRequestNumber), Is.EqualTo(($"{repository.Owner}/{repository.Name}", pullRequest.HeadSha, (int?)pullRequest.Number)));
            Assert.That(record.CheckRunUrl, Does.EndWith($"/runs/{checkRun.Id}"));
            Assert.That(record.ReviewUrl, Does.EndWith($"/pull/{pullRequest.Number}#pullrequestreview-{review.Id}"));
            Assert.That((record.Points, record.Passed, record.Complete), Is.EqualTo((80.0, true, true)));
            Assert.That(record.Competencies.Select(c => (c.Id, c.Level)), Is.EqualTo(new[] { ("infrastructure-automation", "Working") }));
            Assert.That(key.Verify(Grader.Evidence.Signing.CanonicalJson.Of(record), row.Signature), Is.True);
        });
    }

    [Test]
    public async Task RunAsync_RunnerLearnerWorkflowsCanReach_RecordsNoEvidenceAndSaysWhy()
    {
        var (environment, _, _) = await PullRequestEnvironmentAsync(await CommitAsync(Submission));
        var store = Path.Combine(Root, "evidence", "evidence.db");

        var run = await RunActionAsync(Settings(), environment, evidenceStore: store);

        Assert.Multiple(() =>
        {
            Assert.That(run.ExitCode, Is.EqualTo(ActionExitCodes.Passed), run.Output);
            Assert.That(File.Exists(store), Is.False, "no store and no signing key on a runner a learner's workflow can read");
            Assert.That(File.Exists(store + ".signing-key.pem"), Is.False);
            Assert.That(run.Runner.Commands.Where(c => c.Name == "notice").Select(c => c.Data), Has.Some.Contain("not recorded as competency evidence"));
        });
    }

    [Test]
    public async Task RunAsync_ReviewRateLimitedForAnHour_ErrorAnnotationExit2AndTheReviewInTheSummary()
    {
        var (environment, repository, pullRequest) = await PullRequestEnvironmentAsync(await CommitAsync(Submission));
        // Longer than a request waits in-line: the action has no outbox to keep it in.
        GitHub.Emulator.InjectFault(new Fault("POST", $"/repos/{repository.FullName}/pulls/{pullRequest.Number}/reviews", FaultKind.PrimaryRateLimitExhausted, 1,
            ResetAt: DateTimeOffset.UtcNow.AddHours(1)));

        var run = await RunActionAsync(Settings(), environment);

        var error = run.Runner.Commands.Single(c => c.Name == "error" && c.Properties.GetValueOrDefault("title") == "grader: review not posted");
        Assert.Multiple(async () =>
        {
            Assert.That(run.ExitCode, Is.EqualTo(ActionExitCodes.IncompleteOrUsage), "marked like a grader error, although the submission passed");
            Assert.That(error.Data, Does.Contain("re-run this job").And.Contain("job summary").And.Contain("rate limit"));
            Assert.That(await File.ReadAllTextAsync(environment.StepSummaryPath!), Does.Contain("The image builds"));
            Assert.That(await File.ReadAllTextAsync(environment.OutputPath!), Does.Contain("passed=true\n"), "the grade itself stands");
            Assert.That(GitHub.Emulator.CheckRuns(repository).Single(r => r.HeadSha == pullRequest.HeadSha).Conclusion, Is.EqualTo("success"), "what GitHub took stays");
            Assert.That(GitHub.Emulator.Reviews(repository, pullRequest.Number), Is.Empty);
        });
    }

    [Test]
    public async Task RunAsync_TokenMayNotWriteCheckRuns_ErrorAnnotationNamingThePermissionAndExit2()
    {
        var (environment, repository, _) = await PullRequestEnvironmentAsync(await CommitAsync(Submission));
        GitHub.Emulator.InjectFault(new Fault("POST", $"/repos/{repository.FullName}/check-runs", FaultKind.ResourceNotAccessible, int.MaxValue));

        var run = await RunActionAsync(Settings(), environment);

        var error = run.Runner.Commands.Single(c => c.Name == "error" && c.Properties.GetValueOrDefault("title") == "grader: review not posted");
        Assert.Multiple(() =>
        {
            Assert.That(run.ExitCode, Is.EqualTo(ActionExitCodes.IncompleteOrUsage));
            Assert.That(error.Data, Does.Contain("refused").And.Contain("checks and pull-requests write").And.Contain("Resource not accessible by integration"));
            Assert.That(GitHub.Emulator.Requests($"/repos/{repository.FullName}/check-runs").Count(r => r.Method == "POST"), Is.EqualTo(1), "a refusal is not retried");
            Assert.That(GitHub.Emulator.CheckRuns(repository), Is.Empty);
        });
    }

    [Test]
    public async Task RunAsync_RerunOfSameCommit_KeepsOneReview()
    {
        var (environment, repository, pullRequest) = await PullRequestEnvironmentAsync(await CommitAsync(Submission));

        await RunActionAsync(Settings(), environment);
        await RunActionAsync(Settings(), environment);

        Assert.That(GitHub.Emulator.Reviews(repository, pullRequest.Number), Has.Count.EqualTo(1));
    }

    [Test]
    public async Task RunAsync_WorkingTreeDiffersFromGitHubSha_GradesTheCommitOnly()
    {
        // The graded commit passes; HEAD, an uncommitted edit and an untracked file would each fail the tests.
        var graded = await CommitAsync(new Dictionary<string, string>(Submission)
        {
            ["Dockerfile"] = "FROM grader/busybox:1\nCOPY . /src\nCMD [\"sh\"]\n",
            ["test.sh"] = "test ! -e /src/untracked.txt && test ! -e /src/.git && grep -q committed /src/notes.txt\n",
            ["notes.txt"] = "committed\n",
        });
        await CommitAsync(new Dictionary<string, string> { ["notes.txt"] = "later commit\n" }, "later");
        await File.WriteAllTextAsync(Path.Combine(WorkspacePath, "notes.txt"), "uncommitted edit\n");
        await File.WriteAllTextAsync(Path.Combine(WorkspacePath, "untracked.txt"), "untracked\n");
        await WriteRubricAsync(TestsOnlyRubric("sh /src/test.sh"));

        var run = await RunActionAsync(Settings(), PushEnvironment(graded));

        Assert.That(run.ExitCode, Is.EqualTo(ActionExitCodes.Passed), run.Output);
        Assert.That(await File.ReadAllTextAsync(Path.Combine(OutPath, "result.json")), Does.Contain(graded));
    }

    [Test]
    public async Task RunAsync_WorkspaceIsNotARepository_RefusesNamingCheckoutAndGradesNothing()
    {
        await File.WriteAllTextAsync(Path.Combine(WorkspacePath, "Dockerfile"), "FROM grader/busybox:1\n");

        var run = await RunActionAsync(Settings(), PushEnvironment(new string('a', 40)));

        var error = run.Runner.Commands.Single();
        Assert.Multiple(() =>
        {
            Assert.That(run.ExitCode, Is.EqualTo(ActionExitCodes.IncompleteOrUsage));
            Assert.That(error.Name, Is.EqualTo("error"));
            Assert.That(error.Data, Does.Contain("is not a git repository").And.Contain("actions/checkout").And.Contain("persist-credentials: false"));
            Assert.That(Directory.Exists(OutPath), Is.False);
        });
    }

    [Test]
    public async Task RunAsync_PullRequestHeadMissingFromWorkspace_RefusesNamingHeadCheckoutAndPublishesNothing()
    {
        await CommitAsync(Submission);
        var (environment, repository, _) = await PullRequestEnvironmentAsync(new string('b', 40));

        var run = await RunActionAsync(Settings(), environment);

        Assert.Multiple(() =>
        {
            Assert.That(run.ExitCode, Is.EqualTo(ActionExitCodes.IncompleteOrUsage));
            Assert.That(run.Runner.Commands.Single().Data, Does.Contain(new string('b', 40)).And.Contain("ref: ${{ github.event.pull_request.head.sha }}"));
            Assert.That(GitHub.Emulator.CheckRuns(repository), Is.Empty);
            Assert.That(Directory.Exists(OutPath), Is.False);
        });
    }

    [Test]
    public async Task RunAsync_BrokenRubric_ReportsLocatedErrorAndGradesNothing()
    {
        await WriteRubricAsync("module: { id: MOD-ACT, title: x }\ncriteria:\n  - id: a\n    title: a\n    points: 1\n    check: { imagesize: { max: 2GB } }\n");

        var run = await RunActionAsync(Settings(), PushEnvironment(new string('a', 40)));

        Assert.Multiple(() =>
        {
            Assert.That(run.ExitCode, Is.EqualTo(ActionExitCodes.IncompleteOrUsage));
            Assert.That(run.Runner.Commands.Where(c => c.Name == "error" && c.Properties.GetValueOrDefault("line") == "6").Select(c => c.Properties.GetValueOrDefault("file")),
                Has.Some.EndsWith("rubric.yaml"), run.Output);
            Assert.That(Directory.Exists(OutPath), Is.False);
        });
    }

    internal static string TestsOnlyRubric(string command) => $$"""
        module: { id: MOD-ACT, title: Action test }
        competencies:
          containers: { name: Containers, level: Working }
        criteria:
          - id: builds
            title: The image builds
            points: 50
            check: { build: { max_time: 5m } }
          - id: tests
            title: Tests pass
            points: 50
            check:
              tests: { command: ["sh", "-c", "{{command}}"], report: exit_code, timeout: 1m }
        """;
}
