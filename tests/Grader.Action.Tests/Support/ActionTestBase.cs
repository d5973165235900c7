using System.Text.Json.Nodes;
using Docker.DotNet.Models;
using Grader.GitHub.Actions;
using Grader.GitHub.Auth;
using Grader.GitHub.Http;
using Grader.Runner.Docker;
using Grader.Testing.GitHub;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Grader.Action.Tests.Support;

/// <summary>What one <c>grader action</c> run printed and returned.</summary>
public sealed record ActionRun(int ExitCode, string Output)
{
    /// <summary>The output as the Actions runner reads it.</summary>
    public ActionsRunnerLog Runner => ActionsRunnerLog.Read(Output);
}

/// <summary>
/// The action against a real git workspace, the real Docker engine and the GitHub emulator behind prism: a
/// unique runner id per test, and after each test nothing of that runner left on the engine.
/// </summary>
public abstract class ActionTestBase : PrismValidatedTest
{
    protected string Root { get; private set; } = null!;
    protected string WorkspacePath { get; private set; } = null!;
    protected string RubricPath => Path.Combine(Root, "rubric.yaml");
    protected string OutPath => Path.Combine(Root, "out");
    protected string RunnerId { get; private set; } = null!;

    /// <summary>The emulator's stand-in for the GitHub Actions app that workflow tokens act as (configured like an Enterprise Server's).</summary>
    private EmulatedApp? _actionsApp;

    [SetUp]
    public void CreateWorkspace()
    {
        RunnerId = "test-action-" + Guid.NewGuid().ToString("N")[..8];
        _actionsApp = null;
        Root = Directory.CreateTempSubdirectory("grader-action-").FullName;
        WorkspacePath = Path.Combine(Root, "workspace");
        Directory.CreateDirectory(WorkspacePath);
    }

    [TearDown]
    public async Task NothingOfThisRunnerIsLeftAsync()
    {
        using var docker = DockerClientFactory.Create();
        var filter = new Dictionary<string, IDictionary<string, bool>> { ["label"] = new Dictionary<string, bool> { [$"{DockerLabels.RunnerId}={RunnerId}"] = true } };
        var containers = await docker.Containers.ListContainersAsync(new ContainersListParameters { All = true, Filters = filter });
        var networks = await docker.Networks.ListNetworksAsync(new NetworksListParameters { Filters = filter });
        var volumes = await docker.Volumes.ListAsync(new VolumesListParameters { Filters = filter });
        await using (var provider = new ServiceCollection().AddGraderRunner(Configuration()).BuildServiceProvider())
        {
            await provider.GetRequiredService<IDockerJanitor>().SweepAsync(RunnerId, includeReusableImages: true, CancellationToken.None);
        }
        Directory.Delete(Root, recursive: true);
        Assert.Multiple(() =>
        {
            Assert.That(containers, Is.Empty, "containers left behind");
            Assert.That(networks, Is.Empty, "networks left behind");
            Assert.That(volumes.Volumes ?? [], Is.Empty, "volumes left behind");
        });
    }

    /// <param name="evidenceStore">The evidence store (<c>Grader:Evidence:Store</c>); null: nothing recorded.</param>
    protected IConfiguration Configuration(string? evidenceStore = null) => new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
    {
        ["Grader:Evidence:Store"] = evidenceStore,
        ["Grader:Runner:RunnerId"] = RunnerId,
        ["Grader:Runner:WorkRoot"] = Path.Combine(Root, "work"),
        ["Grader:Runner:MirrorCache"] = Path.Combine(Root, "mirrors"),
        ["Grader:GitHub:AppId"] = _actionsApp?.Id.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["Grader:GitHub:AppSlug"] = _actionsApp?.Slug,
    }).Build();

    protected Task WriteRubricAsync(string yaml) => File.WriteAllTextAsync(RubricPath, yaml);

    /// <summary>Writes <paramref name="files"/> into the workspace and commits them (the workspace becomes a repository on first use).</summary>
    protected async Task<string> CommitAsync(IReadOnlyDictionary<string, string> files, string message = "submission")
    {
        if (!Directory.Exists(Path.Combine(WorkspacePath, ".git"))) await GitAsync("init", "-q", "-b", "main");
        foreach (var (path, content) in files)
        {
            var full = Path.Combine(WorkspacePath, path);
            Directory.CreateDirectory(Path.GetDirectoryName(full)!);
            await File.WriteAllTextAsync(full, content);
        }
        await GitAsync("add", "-A");
        await GitAsync("-c", "user.name=Learner", "-c", "user.email=learner@grader.invalid", "commit", "-q", "-m", message);
        return (await GitAsync("rev-parse", "HEAD")).Trim();
    }

    protected Task<string> GitAsync(params string[] arguments) => GitCommand.RunAsync(WorkspacePath, arguments);

    protected ActionSettings Settings(string? hiddenTests = null, bool allowPersistedCredentials = false, bool allowPersistentRunner = false, bool publish = true) =>
        new(RubricPath, hiddenTests, OutPath, publish, allowPersistedCredentials, allowPersistentRunner);

    /// <summary>A push-like run of <paramref name="sha"/> (no pull request, nothing published).</summary>
    protected ActionEnvironment PushEnvironment(string sha, IReadOnlyDictionary<string, string>? extra = null)
    {
        var variables = new Dictionary<string, string>
        {
            ["GITHUB_WORKSPACE"] = WorkspacePath,
            ["GITHUB_EVENT_NAME"] = "push",
            ["GITHUB_SHA"] = sha,
            ["GITHUB_REPOSITORY"] = "course/learner",
            ["GITHUB_STEP_SUMMARY"] = Path.Combine(Root, "summary.md"),
            ["GITHUB_OUTPUT"] = Path.Combine(Root, "outputs.txt"),
        };
        foreach (var (name, value) in extra ?? new Dictionary<string, string>()) variables[name] = value;
        return ActionEnvironment.FromVariables(n => variables.GetValueOrDefault(n));
    }

    protected async Task<ActionRun> RunActionAsync(ActionSettings settings, ActionEnvironment environment, string? evidenceStore = null)
    {
        var output = new StringWriter();
        int exit;
        using (var log = new WorkflowLog(output))
        {
            var services = new ServiceCollection()
                .AddGraderAction(Configuration(evidenceStore), environment.ApiUrl, log)
                .Configure<GitHubHttpHandlers>(o => o.Handlers.Add(GitHub.CreateViolationRecorder));
            await using var provider = services.BuildServiceProvider();
            exit = await provider.GetRequiredService<GradingAction>().RunAsync(settings, environment, CancellationToken.None);
        }
        return new ActionRun(exit, output.ToString());
    }

    /// <summary>An emulated repository and PR whose head is <paramref name="headSha"/>, a token issued to its installation (as a workflow's GITHUB_TOKEN is), and the Actions variables.</summary>
    protected async Task<(ActionEnvironment Environment, EmulatedRepository Repository, EmulatedPullRequest PullRequest)> PullRequestEnvironmentAsync(string headSha)
    {
        var suffix = Guid.NewGuid().ToString("N")[..8];
        var app = GitHub.Emulator.CreateApp("actions-" + suffix);
        _actionsApp = app;
        var installation = GitHub.Emulator.AddInstallation(app, "course-" + suffix);
        var repository = GitHub.Emulator.AddRepository(installation, "course-" + suffix, "learner-" + suffix);
        var pullRequest = new EmulatedPullRequest(12, headSha, "learner-" + suffix);
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
        var eventPath = Path.Combine(Root, "event.json");
        await File.WriteAllTextAsync(eventPath, payload.ToJsonString());

        var variables = new Dictionary<string, string>
        {
            ["GITHUB_WORKSPACE"] = WorkspacePath,
            ["GITHUB_EVENT_NAME"] = "pull_request",
            ["GITHUB_EVENT_PATH"] = eventPath,
            // The merge commit actions/checkout checks out by default; the action grades the head instead.
            ["GITHUB_SHA"] = new string('e', 40),
            ["GITHUB_REPOSITORY"] = $"{repository.Owner}/{repository.Name}",
            ["GITHUB_API_URL"] = GitHub.ApiBaseUrl.ToString(),
            ["GITHUB_STEP_SUMMARY"] = Path.Combine(Root, "summary.md"),
            ["GITHUB_OUTPUT"] = Path.Combine(Root, "outputs.txt"),
            ["GITHUB_TOKEN"] = token.Token,
        };
        return (ActionEnvironment.FromVariables(n => variables.GetValueOrDefault(n)), repository, pullRequest);
    }
}
