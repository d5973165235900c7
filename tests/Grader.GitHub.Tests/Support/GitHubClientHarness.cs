using System.Diagnostics;
using System.Security.Cryptography;
using Grader.GitHub.Http;
using Grader.GitHub.Publishing;
using Grader.Testing.GitHub;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace Grader.GitHub.Tests.Support;

/// <summary>
/// The real Grader.GitHub services, configured like production but pointed at prism (in front of the emulator),
/// with a fake clock shared with the emulator's view of this test's App, captured logs and the outbox relay over an
/// in-memory outbox.
/// Each harness has its own App, installation, repository and pull request.
/// </summary>
public sealed class GitHubClientHarness : IAsyncDisposable
{
    private readonly ServiceProvider _services;

    private GitHubClientHarness(GitHubTestEnvironment environment, FakeTimeProvider time, EmulatedApp app, EmulatedInstallation installation,
        EmulatedRepository repository, EmulatedPullRequest pullRequest, ServiceProvider services, CapturedLogs logs)
    {
        Environment = environment;
        Time = time;
        App = app;
        Installation = installation;
        Repository = repository;
        PullRequest = pullRequest;
        _services = services;
        Logs = logs;
    }

    public GitHubTestEnvironment Environment { get; }
    public GitHubEmulator Emulator => Environment.Emulator;
    public FakeTimeProvider Time { get; }
    public EmulatedApp App { get; }
    public EmulatedInstallation Installation { get; }
    public EmulatedRepository Repository { get; }
    public EmulatedPullRequest PullRequest { get; }
    public CapturedLogs Logs { get; }
    public MemoryPublishOutbox Outbox => Get<MemoryPublishOutbox>();
    public IServiceProvider Services => _services;

    public T Get<T>() where T : notnull => _services.GetRequiredService<T>();

    public static GitHubClientHarness Create(
        GitHubTestEnvironment environment,
        Uri? apiBaseUrl = null,
        string? pullRequestAuthor = null,
        string? gitDirectory = null,
        Action<GitHubAppOptions>? configure = null,
        Action<GitHubResilienceOptions>? resilience = null,
        Action<PublishingOptions>? publishing = null,
        Action<IServiceCollection>? services = null)
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var suffix = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4));
        var app = environment.Emulator.CreateApp("grader-" + suffix, time);
        var installation = environment.Emulator.AddInstallation(app, "course-" + suffix);
        var repository = environment.Emulator.AddRepository(installation, "course-" + suffix, "learner-" + suffix, gitDirectory);
        var pullRequest = new EmulatedPullRequest(7, NewSha(), pullRequestAuthor ?? "learner-" + suffix);
        environment.Emulator.AddPullRequest(repository, pullRequest);

        var logs = new CapturedLogs();
        var collection = new ServiceCollection()
            .AddLogging(b => b.AddProvider(logs).SetMinimumLevel(LogLevel.Trace))
            .AddSingleton<TimeProvider>(time)
            .AddGraderGitHub(configure: o =>
            {
                o.AppId = app.Id;
                o.AppSlug = app.Slug;
                o.PrivateKeyPem = app.PrivateKeyPem;
                o.ApiBaseUrl = apiBaseUrl ?? environment.ApiBaseUrl;
                configure?.Invoke(o);
            })
            .AddSingleton<MemoryPublishOutbox>()
            .AddPublishOutboxRelay(sp => sp.GetRequiredService<MemoryPublishOutbox>())
            .Configure<PublishingOptions>(o => publishing?.Invoke(o))
            .Configure<GitHubResilienceOptions>(o => resilience?.Invoke(o))
            .Configure<GitHubHttpHandlers>(o => o.Handlers.Add(environment.CreateViolationRecorder));
        services?.Invoke(collection);
        var provider = collection.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
        return new GitHubClientHarness(environment, time, app, installation, repository, pullRequest, provider, logs);
    }

    public PublishTarget Target(string jobId = "job-1", string? headSha = null) =>
        new(Installation.Id, Repository.Owner, Repository.Name, PullRequest.Number, headSha ?? PullRequest.HeadSha, jobId);

    public static string NewSha() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(20));

    /// <summary>
    /// Awaits work that waits on the fake clock (back-off, Retry-After): moves the clock forward in steps until the
    /// work completes, failing after a real-time deadline.
    /// </summary>
    public async Task<T> AdvanceUntilDoneAsync<T>(Task<T> work, TimeSpan step)
    {
        var deadline = Stopwatch.StartNew();
        while (!work.IsCompleted)
        {
            if (deadline.Elapsed > TimeSpan.FromSeconds(60))
            {
                Assert.Fail("The operation did not complete within 60 s of real time while the fake clock advanced.");
            }

            // Poll: give in-flight HTTP a moment, then let any waiting timer fire.
            await Task.WhenAny(work, Task.Delay(TimeSpan.FromMilliseconds(15))).ConfigureAwait(false);
            if (!work.IsCompleted)
            {
                Time.Advance(step);
            }
        }

        return await work.ConfigureAwait(false);
    }

    public ValueTask DisposeAsync() => _services.DisposeAsync();
}
