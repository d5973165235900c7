using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Docker.DotNet;
using Docker.DotNet.Models;
using Grader.Bot.Configuration;
using Grader.Bot.Integration.Worker;
using Grader.Bot.Storage;
using Grader.Runner.Docker;
using Grader.Testing.GitHub;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Grader.Bot.Tests.Support;

/// <summary>
/// One course per test, all of it real: a GitHub App, installation and learner repository in the emulator (behind
/// prism), the repository as a real git repository with pull request 2 at a passing submission, rubrics and hidden
/// tests on disk, and the bot host grading in Docker with its own runner id. Tests may restart the host on the
/// same state.
/// </summary>
internal abstract class BotTestBase : PrismValidatedTest
{
    protected const int PullNumber = 2;
    protected const string Author = "Codertocat";

    /// <summary>The rubric every test course is graded with: build, tests, hidden tests, a Dockerfile check.</summary>
    protected const string RubricTitleBuild = "The image builds";
    protected const string RubricTitleTests = "Tests pass";
    protected const string RubricTitleHealthcheck = "The Dockerfile declares a HEALTHCHECK";

    private readonly Dictionary<string, string?> _settings = [];
    private CourseConfiguration _courses = null!;

    protected TempState State { get; private set; } = null!;
    protected LearnerRepository Learner { get; private set; } = null!;
    protected string AppSlug { get; private set; } = null!;

    /// <summary>The login of the App's bot user, author of its reviews.</summary>
    protected string AppBotLogin => AppSlug + "[bot]";
    protected EmulatedInstallation Installation { get; private set; } = null!;
    protected EmulatedRepository Repository { get; private set; } = null!;
    protected GitHubEmulator Emulator => GitHub.Emulator;
    protected BotTestHost Host { get; private set; } = null!;
    protected string RunnerId { get; private set; } = null!;

    /// <summary>The head of pull request 2 when the test starts: a submission that passes.</summary>
    protected string HeadSha { get; private set; } = null!;

    protected virtual void Configure(Dictionary<string, string?> settings)
    {
    }

    /// <summary>YAML lines of the course's repository rule about <c>.grader.yml</c> overrides.</summary>
    protected virtual string CourseRuleSettings => TestCourse.DefaultRuleSettings;

    /// <summary>YAML lines of the course's entry for the <c>hello</c> rubric (e.g. extensions).</summary>
    protected virtual string HelloCourseSettings => "";

    [SetUp]
    public async Task StartHostAsync()
    {
        State = new TempState();
        var suffix = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4));
        RunnerId = "test-bot-" + suffix;
        var app = Emulator.CreateApp("grader-" + suffix);
        AppSlug = app.Slug;
        Installation = Emulator.AddInstallation(app, "course-" + suffix);
        Learner = await LearnerRepository.CreateAsync(Path.Combine(State.Path, "learner"));
        Repository = Emulator.AddRepository(Installation, "course-" + suffix, "hello-world", Learner.GitDirectory);
        HeadSha = await PushAsync(Scripts.Passing);
        _courses = CourseConfigurationLoader.Load(TestCourse.Write(State.Path, Repository.Owner, CourseRuleSettings, HelloCourseSettings));

        _settings["Grader:Bot:WebhookSecret"] = BotTestHost.Secret;
        _settings["Grader:Bot:AppSlug"] = app.Slug;
        _settings["Grader:Bot:DatabasePath"] = Path.Combine(State.Path, "bot.db");
        _settings["Grader:Bot:Queues:0"] = JobQueues.Cpu;
        _settings["Grader:Bot:WorkerCount"] = "1";
        _settings["Grader:Bot:SchedulePollingInterval"] = "00:00:01";
        // A restart here stands in for a crash: running jobs are cancelled at once, not drained.
        _settings["Grader:Bot:DrainTimeout"] = "00:00:00";
        _settings["Grader:GitHub:Publishing:OutboxPollInterval"] = "00:00:01";
        _settings["Grader:GitHub:Publishing:OutboxBaseDelay"] = "00:00:00.200";
        _settings["Grader:GitHub:Publishing:OutboxMaxDelay"] = "00:00:02";
        _settings["Grader:Bot:Retry:Attempts"] = "2";
        _settings["Grader:Bot:Retry:DelaysInSeconds:0"] = "1";
        _settings["Grader:Bot:CloneUrlTemplate"] = Emulator.BaseUrl + "{repository}.git";
        // The test host is not the grader command: its workers run the grader-server.dll built beside the tests.
        _settings["Grader:Bot:Worker:Command"] = Path.Combine(AppContext.BaseDirectory, "grader-server.dll");
        _settings["Grader:GitHub:AppId"] = app.Id.ToString(System.Globalization.CultureInfo.InvariantCulture);
        _settings["Grader:GitHub:PrivateKeyPem"] = app.PrivateKeyPem;
        _settings["Grader:GitHub:ApiBaseUrl"] = GitHub.ApiBaseUrl.ToString();
        _settings["Grader:Runner:RunnerId"] = RunnerId;
        _settings["Grader:Runner:WorkRoot"] = Path.Combine(State.Path, "work");
        _settings["Grader:Runner:MirrorCache"] = Path.Combine(State.Path, "mirrors");
        Configure(_settings);
        Host = await BotTestHost.StartAsync(_settings, _courses, GitHub);
    }

    [TearDown]
    public async Task StopHostAsync()
    {
        await Host.DisposeAsync();
        await using (var provider = new ServiceCollection().AddGraderRunner(new ConfigurationBuilder().AddInMemoryCollection(_settings).Build()).BuildServiceProvider())
        {
            await provider.GetRequiredService<IDockerJanitor>().SweepAsync(RunnerId, includeReusableImages: true, CancellationToken.None);
        }

        State.Dispose();
    }

    /// <summary>Stops the host and starts another on the same SQLite file (a process restart).</summary>
    protected async Task RestartAsync(System.Action? whileStopped = null)
    {
        await Host.DisposeAsync();
        whileStopped?.Invoke();
        Host = await BotTestHost.StartAsync(_settings, _courses, GitHub);
    }

    /// <summary>Pushes a submission whose tests run <paramref name="testScript"/> to a pull request (GitHub's view of it too); returns the commit.</summary>
    protected async Task<string> PushAsync(string testScript, int number = PullNumber, bool draft = false, string? dockerfile = null)
    {
        var sha = await Learner.PushToPullRequestAsync(number, Scripts.Submission(testScript, dockerfile), $"submission: {testScript}");
        Emulator.AddPullRequest(Repository, new EmulatedPullRequest(number, sha, Author, HeadRef: $"pr-{number}", Draft: draft));
        return sha;
    }

    /// <summary>Closes a pull request on GitHub's side (the bot asks GitHub whether a PR is still open); returns the closed event.</summary>
    protected JsonObject Close(string headSha, int number = PullNumber)
    {
        Emulator.AddPullRequest(Repository, new EmulatedPullRequest(number, headSha, Author, HeadRef: $"pr-{number}", State: "closed"));
        return PullRequestEvent("closed", headSha, number: number);
    }

    /// <summary>A real pull_request payload addressed to this test's installation, repository and pull request.</summary>
    protected JsonObject PullRequestEvent(string action, string? headSha = null, bool draft = false, int number = PullNumber) =>
        Address(GitHubWebhook.PullRequest(WebhookFixtures.Load("pull_request/opened.payload.json"), action, number, headSha ?? HeadSha, draft));

    /// <summary>Points a fixture at this test's installation and repository.</summary>
    protected JsonObject Address(JsonObject payload) => GitHubWebhook.Address(payload, Installation, Repository);

    protected Task<GradingJobRecord?> JobAsync(string headSha, int number = PullNumber) =>
        Host.Store.GetJobAsync(GradingJobRecord.KeyFor(Repository.FullName, number, headSha), CancellationToken.None);

    protected Task<GradingJobRecord?> WaitForJobStateAsync(string headSha, JobState state, int number = PullNumber) =>
        Eventually.ThatAsync(() => JobAsync(headSha, number), job => job?.State == state, $"job {headSha[..7]} {state}");

    protected IReadOnlyList<EmulatedReview> Reviews(int number = PullNumber) => Emulator.Reviews(Repository, number);

    protected EmulatedCheckRun? CheckRun(string headSha) => Emulator.CheckRuns(Repository).SingleOrDefault(c => c.HeadSha == headSha);

    /// <summary>Waits until the check run of a head SHA satisfies <paramref name="holds"/> in the emulator.</summary>
    protected async Task<EmulatedCheckRun> WaitForCheckRunAsync(string headSha, Func<EmulatedCheckRun, bool> holds, string what) =>
        (await Eventually.ThatAsync(() => Task.FromResult(CheckRun(headSha)), run => run is not null && holds(run), $"check run of {headSha[..7]}: {what}"))!;

    protected Task<EmulatedCheckRun> WaitForCompletedCheckRunAsync(string headSha) =>
        WaitForCheckRunAsync(headSha, run => run.Status == "completed", "completed");

    protected Task WaitForReviewAsync(int number = PullNumber) =>
        Eventually.ThatAsync(() => Task.FromResult(Reviews(number).Count), count => count > 0, "review posted");

    /// <summary>Waits until the learner's tests run in a container of this test's runner.</summary>
    protected Task WaitForRunningTestsAsync() =>
        Eventually.ThatAsync(
            async () => (await RunnerContainersAsync()).Any(c => c.State == "running" && c.Labels.TryGetValue(DockerLabels.Role, out var role) && role == "test"),
            running => running,
            "the learner's tests running in a container");

    /// <summary>Waits until the tests of one job (its head SHA) run in a container; returns the container's id.</summary>
    protected async Task<string> WaitForRunningTestContainerAsync(string headSha, int number = PullNumber)
    {
        var jobId = WorkerProcessGrader.DockerJobId(GradingJobRecord.KeyFor(Repository.FullName, number, headSha));
        var container = await Eventually.ThatAsync(
            async () => (await RunnerContainersAsync()).FirstOrDefault(c => c.State == "running"
                && c.Labels.TryGetValue(DockerLabels.Role, out var role) && role == "test"
                && c.Labels.TryGetValue(DockerLabels.JobId, out var id) && id == jobId),
            running => running is not null,
            $"the tests of {headSha[..7]} running in a container");
        return container!.ID;
    }

    /// <summary>The job key of a head SHA on a pull request of this test's repository.</summary>
    protected string JobKey(string headSha, int number = PullNumber) => GradingJobRecord.KeyFor(Repository.FullName, number, headSha);

    /// <summary>Containers of this test's runner that still exist.</summary>
    protected async Task<IList<ContainerListResponse>> RunnerContainersAsync()
    {
        using var docker = new DockerClientConfiguration().CreateClient();
        return await docker.Containers.ListContainersAsync(new ContainersListParameters
        {
            All = true,
            Filters = new Dictionary<string, IDictionary<string, bool>> { ["label"] = new Dictionary<string, bool> { [$"{DockerLabels.RunnerId}={RunnerId}"] = true } },
        });
    }
}
