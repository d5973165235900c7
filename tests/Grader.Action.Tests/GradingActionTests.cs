using System.Text.Json.Nodes;
using Grader.GitHub;
using Grader.GitHub.Auth;
using Grader.GitHub.Http;
using Grader.Runner;
using Grader.Runner.Pipeline;
using Grader.Testing.GitHub;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Grader.Action.Tests;

/// <summary>
/// The action end to end: a real workspace built and tested in Docker, outputs and job summary written as the
/// Actions runner expects, and the check run and review published through prism (GitHub's OpenAPI
/// description) to the emulator with a workflow-style token.
/// </summary>
public sealed class GradingActionTests : PrismValidatedTest
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

    private string _root = null!;
    private string _workspace = null!;
    private string _runnerId = null!;

    [SetUp]
    public void CreateWorkspace()
    {
        _runnerId = "test-action-" + Guid.NewGuid().ToString("N")[..8];
        _root = Directory.CreateTempSubdirectory("grader-action-").FullName;
        _workspace = Path.Combine(_root, "workspace");
        Directory.CreateDirectory(_workspace);
        File.WriteAllText(Path.Combine(_workspace, "Dockerfile"), "FROM grader/busybox:1\nCOPY test.sh /app/test.sh\nCMD [\"sh\"]\n");
        File.WriteAllText(Path.Combine(_workspace, "test.sh"), "echo running the tests\nexit 0\n");
        File.WriteAllText(Path.Combine(_root, "rubric.yaml"), Rubric);
    }

    [TearDown]
    public async Task RemoveWorkspaceAndImagesAsync()
    {
        await using (var provider = new ServiceCollection().AddGraderRunner(Configuration()).BuildServiceProvider())
        {
            await provider.GetRequiredService<IDockerJanitor>().SweepAsync(_runnerId, includeReusableImages: true, CancellationToken.None);
        }
        Directory.Delete(_root, recursive: true);
    }

    private IConfiguration Configuration() => new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
    {
        ["Grader:Runner:RunnerId"] = _runnerId,
        ["Grader:Runner:WorkRoot"] = Path.Combine(_root, "work"),
        ["Grader:Runner:MirrorCache"] = Path.Combine(_root, "mirrors"),
        ["GitHub:Outbox:Directory"] = Path.Combine(_root, "outbox"),
    }).Build();

    [Test]
    public async Task RunAsync_PullRequestEvent_WritesOutputsAndPublishesCheckRunAndOneReview()
    {
        var (environment, repository, pullRequest) = await PullRequestEnvironmentAsync();
        var output = new StringWriter();

        var exit = await RunActionAsync(environment, output);

        Assert.That(exit, Is.EqualTo(ActionExitCodes.Passed), output.ToString());
        var outputs = await File.ReadAllTextAsync(environment.OutputPath!);
        var summary = await File.ReadAllTextAsync(environment.StepSummaryPath!);
        var checkRun = GitHub.Emulator.CheckRuns(repository).Single(r => r.HeadSha == pullRequest.HeadSha);
        var review = GitHub.Emulator.Reviews(repository, pullRequest.Number).Single();
        Assert.Multiple(() =>
        {
            Assert.That(outputs, Does.Contain("passed=true\n").And.Contain("points=80\n").And.Contain("percentage=80\n"));
            Assert.That(summary, Does.Contain("The image builds").And.Contain("HEALTHCHECK"));
            Assert.That(File.Exists(Path.Combine(_root, "out", "result.json")), Is.True);
            Assert.That(output.ToString(), Does.Contain("::error file=Dockerfile,line=1"), "the missing HEALTHCHECK annotates the Dockerfile");
            Assert.That(checkRun.Conclusion, Is.EqualTo("success"));
            Assert.That(checkRun.Annotations.Select(a => ((string?)a["path"], (int?)a["start_line"])), Does.Contain(((string?)"Dockerfile", (int?)1)));
            Assert.That(review.CommitId, Is.EqualTo(pullRequest.HeadSha));
            Assert.That(review.Body, Does.Contain("The image builds"));
        });
    }

    [Test]
    public async Task RunAsync_PullRequestEvent_RecordsSignedEvidenceOfTheAuthorWithCheckRunAndReview()
    {
        var (environment, repository, pullRequest) = await PullRequestEnvironmentAsync();
        var store = Path.Combine(_root, "evidence", "evidence.db");
        var author = JsonNode.Parse(await File.ReadAllTextAsync(environment.EventPath!))!["pull_request"]!["user"]!;

        var exit = await RunActionAsync(environment, new StringWriter(), store);

        Assert.That(exit, Is.EqualTo(ActionExitCodes.Passed));
        await using var db = await Grader.Evidence.Store.EvidenceDatabase.OpenAsync(Grader.Evidence.Database.DatabaseOptions.Parse(store), null, CancellationToken.None);
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
    public async Task RunAsync_RerunOfSameCommit_KeepsOneReview()
    {
        var (environment, repository, pullRequest) = await PullRequestEnvironmentAsync();

        await RunActionAsync(environment, new StringWriter());
        await RunActionAsync(environment, new StringWriter());

        Assert.That(GitHub.Emulator.Reviews(repository, pullRequest.Number), Has.Count.EqualTo(1));
    }

    [Test]
    public async Task RunAsync_BrokenRubric_ReportsLocatedErrorAndGradesNothing()
    {
        await File.WriteAllTextAsync(Path.Combine(_root, "rubric.yaml"), "module: { id: MOD-ACT, title: x }\ncriteria:\n  - id: a\n    title: a\n    points: 1\n    check: { imagesize: { max: 2GB } }\n");
        var output = new StringWriter();
        var environment = ActionEnvironment.FromVariables(name => name == "GITHUB_WORKSPACE" ? _workspace : null);

        var exit = await RunActionAsync(environment, output);

        Assert.Multiple(() =>
        {
            Assert.That(exit, Is.EqualTo(ActionExitCodes.IncompleteOrUsage));
            Assert.That(output.ToString(), Does.Contain("::error file=").And.Contain("line=6"));
            Assert.That(Directory.Exists(Path.Combine(_root, "out")), Is.False);
        });
    }

    private Task<int> RunActionAsync(ActionEnvironment environment, TextWriter output, string? evidenceStore = null)
    {
        var services = new ServiceCollection()
            .AddGraderAction(Configuration(), environment.ApiUrl)
            .Configure<GitHubHttpOptions>(o => o.Handlers.Add(GitHub.CreateViolationRecorder));
        return RunWithAsync(services, environment, output, evidenceStore);
    }

    private async Task<int> RunWithAsync(IServiceCollection services, ActionEnvironment environment, TextWriter output, string? evidenceStore = null)
    {
        await using var provider = services.BuildServiceProvider();
        var settings = new ActionSettings(Path.Combine(_root, "rubric.yaml"), null, Path.Combine(_root, "out"), Publish: true) { EvidenceStore = evidenceStore };
        return await provider.GetRequiredService<GradingAction>().RunAsync(settings, environment, output, CancellationToken.None);
    }

    /// <summary>An emulated repository and PR, a token issued to its installation (as a workflow's GITHUB_TOKEN is), and the Actions variables.</summary>
    private async Task<(ActionEnvironment, EmulatedRepository, EmulatedPullRequest)> PullRequestEnvironmentAsync()
    {
        var suffix = Guid.NewGuid().ToString("N")[..8];
        var app = GitHub.Emulator.CreateApp("actions-" + suffix);
        var installation = GitHub.Emulator.AddInstallation(app, "course-" + suffix);
        var repository = GitHub.Emulator.AddRepository(installation, "course-" + suffix, "learner-" + suffix);
        var pullRequest = new EmulatedPullRequest(12, Convert.ToHexStringLower(Guid.NewGuid().ToByteArray()) + "00000000", "learner-" + suffix);
        GitHub.Emulator.AddPullRequest(repository, pullRequest);

        await using var tokenServices = new ServiceCollection().AddLogging()
            .AddGraderGitHub(configure: o => { o.AppId = app.Id; o.PrivateKeyPem = app.PrivateKeyPem; o.ApiBaseUrl = GitHub.ApiBaseUrl; })
            .BuildServiceProvider();
        var token = await tokenServices.GetRequiredService<IInstallationTokenProvider>().GetTokenAsync(installation.Id, CancellationToken.None);

        var payload = JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(TestContext.CurrentContext.TestDirectory, "Fixtures", "pull_request.opened.json")))!;
        payload["repository"]!["name"] = repository.Name;
        payload["repository"]!["owner"]!["login"] = repository.Owner;
        payload["pull_request"]!["number"] = pullRequest.Number;
        payload["pull_request"]!["head"]!["sha"] = pullRequest.HeadSha;
        var eventPath = Path.Combine(_root, "event.json");
        await File.WriteAllTextAsync(eventPath, payload.ToJsonString());

        var variables = new Dictionary<string, string>
        {
            ["GITHUB_WORKSPACE"] = _workspace,
            ["GITHUB_EVENT_NAME"] = "pull_request",
            ["GITHUB_EVENT_PATH"] = eventPath,
            ["GITHUB_REPOSITORY"] = $"{repository.Owner}/{repository.Name}",
            ["GITHUB_API_URL"] = GitHub.ApiBaseUrl.ToString(),
            ["GITHUB_STEP_SUMMARY"] = Path.Combine(_root, "summary.md"),
            ["GITHUB_OUTPUT"] = Path.Combine(_root, "outputs.txt"),
            ["GITHUB_TOKEN"] = token.Token,
        };
        return (ActionEnvironment.FromVariables(n => variables.GetValueOrDefault(n)), repository, pullRequest);
    }
}
