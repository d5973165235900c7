using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Docker.DotNet;
using Docker.DotNet.Models;
using Grader.Runner.Docker;
using Grader.Testing.GitHub;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Grader.Server.Tests.Serve;

/// <summary>
/// One `grader serve` deployment per test: a config file, SQLite database, runner id and work folders in a
/// temp directory, an emulated App, installation, repository (a real git repository) and pull request behind
/// prism, and the processes started on that config, killed and swept in TearDown.
/// </summary>
public abstract class ServeProcessTest : PrismValidatedTest
{
    protected const int PullNumber = 7;

    private const string Rubric = """
        module: { id: MOD-SERVE, title: Serve restart test }
        competencies:
          infrastructure-automation: { name: Infrastructure automation, level: Working }
        criteria:
          - id: builds
            title: The image builds
            points: 50
            check: { build: { max_time: 5m } }
          - id: tests
            title: The tests pass
            points: 50
            check:
              tests: { command: ["sh", "/app/test.sh"], report: exit_code, timeout: 1m }
            evidence:
              - infrastructure-automation: Working
        """;

    protected static readonly string[] CriterionTitles = ["The image builds", "The tests pass"];

    private readonly List<GraderServeProcess> _processes = [];
    private readonly List<string> _runnerIds = [];
    private Grader.Evidence.Tests.Support.TestDatabase? _fleetDatabase;
    private readonly List<IAsyncDisposable> _disposeLast = [];

    /// <summary>Disposed when the test's processes are gone and its fleet database dropped (a server of the test's own).</summary>
    protected T DisposeLast<T>(T resource) where T : IAsyncDisposable
    {
        _disposeLast.Add(resource);
        return resource;
    }
    private string _root = null!;
    private string _configPath = null!;
    private string _secret = null!;
    private Dictionary<string, string> _environment = null!;

    protected string RunnerId { get; private set; } = null!;

    /// <summary>Opens the operators' pages (/hangfire, /runners, /reports) of the processes under test.</summary>
    protected const string DashboardToken = "operator-token-for-tests";
    protected HttpClient Http { get; private set; } = null!;
    protected EmulatedRepository Repository { get; private set; } = null!;
    protected EmulatedInstallation Installation { get; private set; } = null!;
    protected LearnerRepository Learner { get; private set; } = null!;

    /// <summary>The pull request's head commit.</summary>
    protected string HeadSha { get; private set; } = null!;
    protected GraderServeProcess? Current { get; private set; }

    [SetUp]
    public void CreateDeploymentFolder()
    {
        RunnerId = "test-serve-" + Guid.NewGuid().ToString("N")[..10];
        _root = Directory.CreateTempSubdirectory("grader-serve-").FullName;
        _secret = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        Http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
    }

    [TearDown]
    public async Task KillProcessesAndSweepAsync()
    {
        if (TestContext.CurrentContext.Result.Outcome.Status == NUnit.Framework.Interfaces.TestStatus.Failed && Repository is not null)
        {
            await TestContext.Out.WriteLineAsync(Diagnostics());
        }

        // Every process is killed and the runner's objects swept even when one step fails; the failures are reported after.
        var failures = new List<Exception>();
        foreach (var process in _processes)
        {
            try
            {
                await process.DisposeAsync();
            }
            catch (Exception ex) when (ex is InvalidOperationException or System.ComponentModel.Win32Exception)
            {
                failures.Add(ex);
            }
        }

        Http.Dispose();
        foreach (var runnerId in _runnerIds.Append(RunnerId))
        {
            await using var provider = RunnerServices(runnerId);
            await provider.GetRequiredService<IDockerJanitor>().SweepAsync(runnerId, includeReusableImages: true, CancellationToken.None);
        }

        if (_fleetDatabase is not null)
        {
            await _fleetDatabase.DisposeAsync();
        }

        // The fixture serves every test of its class: what this test registered goes with this test.
        var last = _disposeLast.ToList();
        _disposeLast.Clear();
        foreach (var resource in last)
        {
            await resource.DisposeAsync();
        }

        Directory.Delete(_root, recursive: true);
        if (failures.Count > 0)
        {
            throw new AggregateException("Killing a grader serve process failed.", failures);
        }
    }

    /// <summary>
    /// The learner's repository with <paramref name="testScript"/> as its tests, registered in the emulator, and the bot's
    /// config. A test may grade with its own <paramref name="rubric"/>, with <paramref name="courseFiles"/> beside it (answer
    /// keys) and <paramref name="submissionFiles"/> added to the pull request.
    /// </summary>
    /// <param name="fleet">
    /// Settings of a fleet (the <c>bot:</c> keys below <c>postgres</c>) : the deployment keeps its store and queues in a
    /// fresh PostgreSQL database instead of SQLite, shared by <c>serve --no-runner</c> and <c>work</c> processes.
    /// </param>
    /// <param name="fleetServer">The PostgreSQL server of the fleet's database (its admin connection string); the shared test server by default.</param>
    protected async Task ArrangeAsync(string testScript, string rubric = Rubric, IReadOnlyDictionary<string, string>? courseFiles = null, IReadOnlyDictionary<string, string>? submissionFiles = null,
        IReadOnlyDictionary<string, string>? fleet = null, string? fleetServer = null)
    {
        await using (var provider = RunnerServices())
        {
            await BaseImages.EnsureBusyboxAsync(provider.GetRequiredService<IDockerClient>(), CancellationToken.None);
        }

        var suffix = Guid.NewGuid().ToString("N")[..8];
        var app = GitHub.Emulator.CreateApp("grader-serve-" + suffix);
        Installation = GitHub.Emulator.AddInstallation(app, "course-" + suffix);
        Learner = await LearnerRepository.CreateAsync(Path.Combine(_root, "learner"));
        Repository = GitHub.Emulator.AddRepository(Installation, "course-" + suffix, "lab-" + suffix, Learner.GitDirectory);
        HeadSha = await OpenPullRequestAsync(PullNumber, testScript, submissionFiles);

        var rubricPath = Path.Combine(_root, "rubric.yaml");
        await File.WriteAllTextAsync(rubricPath, rubric);
        foreach (var (path, content) in courseFiles ?? new Dictionary<string, string>())
        {
            Directory.CreateDirectory(Path.GetDirectoryName(Path.Combine(_root, path))!);
            await File.WriteAllTextAsync(Path.Combine(_root, path), content);
        }

        var keyPath = Path.Combine(_root, "app.pem");
        await File.WriteAllTextAsync(keyPath, app.PrivateKeyPem);
        _configPath = Path.Combine(_root, "grader.yaml");
        var store = $"database_path: {Path.Combine(_root, "bot.db")}";
        if (fleet is not null)
        {
            _fleetDatabase = await Grader.Evidence.Tests.Support.TestDatabase.CreateAsync(Grader.Evidence.Database.DatabaseDialect.PostgreSql, fleetServer);
            store = $"postgres: \"{_fleetDatabase.Options.PostgresConnectionString}\"\n  evidence: {{ signing_key_path: {Path.Combine(_root, "evidence-key.pem")} }}"
                + string.Concat(fleet.Select(kv => $"\n  {kv.Key}: {kv.Value}"));
        }

        await File.WriteAllTextAsync(_configPath, $"""
            bot:
              app_slug: {app.Slug}
              {store}
              worker_count: 1
              retry: {"{"} attempts: 2, delays_in_seconds: [1] {"}"}
              schedule_polling_interval: "00:00:01"
              clone_url_template: "{GitHub.Emulator.BaseUrl}{"{repository}"}.git"
            github:
              app_id: {app.Id.ToString(CultureInfo.InvariantCulture)}
              api_base_url: {GitHub.ApiBaseUrl}
              resilience: {"{"} base_delay: "00:00:00.200", max_delay: "00:00:01" {"}"}
              publishing: {"{"} outbox_poll_interval: "00:00:01", outbox_base_delay: "00:00:01", outbox_max_delay: "00:00:02" {"}"}
            runner:
              runner_id: {RunnerId}
              work_root: {Path.Combine(_root, "work")}
              mirror_cache: {Path.Combine(_root, "mirrors")}
            rubrics:
              lab: {"{"} rubric: {rubricPath} {"}"}
            repositories:
              - pattern: {Repository.Owner}/*
                rubric: lab
            """);
        _environment = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["Grader__Bot__WebhookSecret"] = _secret,
            ["Grader__GitHub__PrivateKeyPath"] = keyPath,
            ["Grader__Bot__Dashboard__Token"] = DashboardToken,
        };
    }

    /// <summary>Pushes a submission (a busybox image, or the Dockerfile in <paramref name="files"/>, whose tests run <paramref name="testScript"/>) to pull request <paramref name="number"/>, as GitHub shows it; returns its head.</summary>
    protected async Task<string> OpenPullRequestAsync(int number, string testScript, IReadOnlyDictionary<string, string>? files = null)
    {
        // A submission's own Dockerfile (in files) replaces the default one.
        var submission = new Dictionary<string, string>
        {
            ["Dockerfile"] = "FROM grader/busybox:1\nCOPY test.sh /app/test.sh\nCMD [\"sh\"]\n",
        };
        foreach (var (path, content) in files ?? new Dictionary<string, string>())
        {
            submission[path] = content;
        }

        submission["test.sh"] = testScript;
        var sha = await Learner.PushToPullRequestAsync(number, submission, "Lab submission");
        GitHub.Emulator.AddPullRequest(Repository, new EmulatedPullRequest(number, sha, "learner-" + Repository.Owner, HeadRef: $"pr-{number}"));
        return sha;
    }

    /// <summary>A setting for the processes started from now on, as an environment variable (<c>Grader__Gpu__Enabled</c>).</summary>
    protected void SetEnvironment(string name, string value) => _environment[name] = value;

    /// <summary>Starts `grader serve` on this test's config and database and waits until /healthz answers 200.</summary>
    protected async Task<GraderServeProcess> StartServeAsync()
    {
        var process = GraderServeProcess.Start(_configPath, _environment);
        _processes.Add(process);
        Current = process;
        await process.WaitHealthyAsync(Http, TimeSpan.FromSeconds(30), CancellationToken.None);
        return process;
    }

    /// <summary>The fleet's database (after <see cref="ArrangeAsync"/> with <c>fleet</c>): its name, for faults injected from the admin connection.</summary>
    protected string FleetDatabaseName => new Npgsql.NpgsqlConnectionStringBuilder(FleetConnectionString).Database!;

    /// <summary>The fleet's database, on the shared test server or the test's own (<c>fleetServer</c> of <see cref="ArrangeAsync"/>).</summary>
    protected string FleetConnectionString => _fleetDatabase!.Options.PostgresConnectionString!;

    /// <summary>Starts a fleet process (<c>serve --no-runner</c>, <c>work</c>) on this test's config and waits until /healthz answers 200.</summary>
    protected async Task<GraderServeProcess> StartAsync(params string[] command)
    {
        var process = GraderServeProcess.Start(_configPath, _environment, command);
        _processes.Add(process);
        await process.WaitHealthyAsync(Http, TimeSpan.FromSeconds(30), CancellationToken.None);
        return process;
    }

    /// <summary>Starts <c>grader-server work</c> as runner <c>{RunnerId}-{name}</c> (its Docker objects swept after the test).</summary>
    protected Task<GraderServeProcess> StartRunnerAsync(string name, params string[] options)
    {
        var runnerId = $"{RunnerId}-{name}";
        _runnerIds.Add(runnerId);
        return StartAsync(["work", "--runner-id", runnerId, "--queues", "cpu", .. options]);
    }

    /// <summary>Runs a one-shot <c>grader-server</c> command on this test's config and environment; returns its exit code and output.</summary>
    protected async Task<(int ExitCode, string Output)> RunCommandAsync(params string[] command)
    {
        var start = new System.Diagnostics.ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in new[] { Path.Combine(AppContext.BaseDirectory, "grader-server.dll") }.Concat(command).Concat(["--config", _configPath]))
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var (name, value) in _environment)
        {
            start.Environment[name] = value;
        }

        using var process = System.Diagnostics.Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, await output + await error);
    }

    /// <summary>The real opened-PR payload, pointed at this test's installation, repository and head commit (or another pull request's).</summary>
    protected async Task<string> OpenedPayloadAsync(int number = PullNumber, string? headSha = null)
    {
        var fixture = JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(TestContext.CurrentContext.TestDirectory, "Fixtures", "pull_request", "opened.payload.json")))!.AsObject();
        return GitHubWebhook.Address(GitHubWebhook.PullRequest(fixture, "opened", number, headSha ?? HeadSha), Installation, Repository).ToJsonString();
    }

    /// <summary>Posts a delivery signed as GitHub signs it (HMAC-SHA256 of the raw body with the webhook secret).</summary>
    protected async Task<HttpStatusCode> PostDeliveryAsync(GraderServeProcess process, string deliveryId, string body)
    {
        using var request = GitHubWebhook.Request(new Uri(process.BaseUrl, "api/github/webhooks"), "pull_request", deliveryId, Encoding.UTF8.GetBytes(body), _secret);
        using var response = await Http.SendAsync(request);
        return response.StatusCode;
    }

    protected IReadOnlyList<EmulatedCheckRun> HeadCheckRuns(string? headSha = null) =>
        GitHub.Emulator.CheckRuns(Repository).Where(c => c.HeadSha == (headSha ?? HeadSha)).ToList();

    protected IReadOnlyList<EmulatedReview> HeadReviews(int number = PullNumber, string? headSha = null) =>
        GitHub.Emulator.Reviews(Repository, number).Where(r => r.CommitId == (headSha ?? HeadSha)).ToList();

    /// <summary>Polls <paramref name="condition"/> until it holds; fails with the processes' output and the emulator's state when it does not in time.</summary>
    protected async Task WaitUntilAsync(Func<Task<bool>> condition, TimeSpan timeout, string what)
    {
        var deadline = DateTimeOffset.UtcNow + timeout;
        while (!await condition())
        {
            if (DateTimeOffset.UtcNow > deadline)
            {
                Assert.Fail($"Timed out after {timeout} waiting until {what}.\n{Diagnostics()}");
            }

            await Task.Delay(TimeSpan.FromMilliseconds(200));
        }
    }

    protected Task WaitUntilAsync(Func<bool> condition, TimeSpan timeout, string what) =>
        WaitUntilAsync(() => Task.FromResult(condition()), timeout, what);

    /// <summary>The grading finished: a completed check run and a review on the head commit.</summary>
    protected Task WaitForPublishedResultAsync() =>
        WaitUntilAsync(() => HeadCheckRuns().Any(c => c.Status == "completed") && HeadReviews().Count > 0, TimeSpan.FromSeconds(90),
            "the check run is completed and a review is posted on the head commit");

    /// <summary>Everything that helps to understand a failure: each process's output, the check runs and the requests the emulator saw.</summary>
    protected string Diagnostics()
    {
        var text = new StringBuilder();
        for (var i = 0; i < _processes.Count; i++)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"==== grader-server process #{i + 1} output ====").AppendLine(_processes[i].Output);
        }

        text.AppendLine("==== check runs on the head commit ====");
        foreach (var run in HeadCheckRuns())
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"{run.Id} {run.Status} {run.Conclusion} history=[{string.Join(", ", run.StatusHistory)}] title={run.Title}");
        }

        text.AppendLine("==== requests the emulator answered ====");
        foreach (var request in GitHub.Emulator.Requests("/repos/" + Repository.FullName).Concat(GitHub.Emulator.Requests("/app/")))
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"{request.Method} {request.Path}{request.Query} -> {request.Status}");
        }

        return text.ToString();
    }

    /// <summary>Containers carrying this test's runner id (and <paramref name="role"/> when given), only running ones or all.</summary>
    protected async Task<IList<ContainerListResponse>> RunnerContainersAsync(bool running, string? role = null, string? runnerId = null)
    {
        var labels = new Dictionary<string, bool> { [$"{DockerLabels.RunnerId}={runnerId ?? RunnerId}"] = true };
        if (role is not null)
        {
            labels[$"{DockerLabels.Role}={role}"] = true;
        }

        await using var provider = RunnerServices();
        var docker = provider.GetRequiredService<IDockerClient>();
        return await docker.Containers.ListContainersAsync(new ContainersListParameters
        {
            All = !running,
            Filters = new Dictionary<string, IDictionary<string, bool>> { ["label"] = labels },
        });
    }

    private ServiceProvider RunnerServices(string? runnerId = null) => new ServiceCollection().AddGraderRunner(new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
    {
        ["Grader:Runner:RunnerId"] = runnerId ?? RunnerId,
        ["Grader:Runner:WorkRoot"] = Path.Combine(_root, "work"),
        ["Grader:Runner:MirrorCache"] = Path.Combine(_root, "mirrors"),
    }).Build()).BuildServiceProvider();
}
