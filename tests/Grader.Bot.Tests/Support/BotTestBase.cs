using Grader.Bot.Storage;

namespace Grader.Bot.Tests.Support;

/// <summary>One bot host per test on fresh state; tests may restart it on the same state.</summary>
internal abstract class BotTestBase
{
    protected TempState State { get; private set; } = null!;
    protected ScriptedGrader Grader { get; private set; } = null!;
    protected RecordingPublisher Publisher { get; private set; } = null!;
    protected TestRepositoryGateway Gateway { get; private set; } = null!;
    protected BotTestHost Host { get; private set; } = null!;

    protected virtual void Configure(Dictionary<string, string?> settings)
    {
    }

    [SetUp]
    public async Task StartHostAsync()
    {
        State = new TempState();
        Grader = new ScriptedGrader();
        Publisher = new RecordingPublisher();
        Gateway = new TestRepositoryGateway();
        Host = await BotTestHost.StartAsync(State.Path, Grader, Publisher, Gateway, Configure);
    }

    [TearDown]
    public async Task StopHostAsync()
    {
        await Host.DisposeAsync();
        State.Dispose();
    }

    /// <summary>Stops the host and starts another on the same SQLite file (a process restart).</summary>
    protected async Task RestartAsync(Action? whileStopped = null)
    {
        await Host.DisposeAsync();
        whileStopped?.Invoke();
        Host = await BotTestHost.StartAsync(State.Path, Grader, Publisher, Gateway, Configure);
    }

    protected Task<GradingJobRecord?> JobAsync(string headSha) =>
        Host.Store.GetJobAsync(GradingJobRecord.KeyFor(WebhookFixtures.Repository, 2, headSha), CancellationToken.None);

    protected Task<GradingJobRecord?> WaitForJobStateAsync(string headSha, JobState state) =>
        Eventually.ThatAsync(() => JobAsync(headSha), job => job?.State == state, $"job {headSha} {state}");
}
