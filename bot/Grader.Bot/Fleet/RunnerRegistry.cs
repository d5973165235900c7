using Grader.Bot.Configuration;
using Grader.Bot.Storage;
using Grader.Runner.Gpu;
using Microsoft.Extensions.Options;

namespace Grader.Bot.Fleet;

/// <summary>
/// Keeps this runner in the fleet registry: registers its id, host, queues, concurrency and capabilities at start,
/// beats every <see cref="BotOptions.RunnerHeartbeatInterval"/> with its state (idle or busy, from the jobs it holds in
/// the store), says draining when the host begins to stop and stopped once it has. An operator reads the registry with
/// <c>grader-server runners</c> or the bot's <c>/runners</c> page; a runner whose heartbeat stops is shown as lost.
/// </summary>
public sealed partial class RunnerRegistry(
    GraderStore store,
    IGpuInventory gpus,
    IOptions<BotOptions> bot,
    RunnerIdentity runner,
    IHostApplicationLifetime lifetime,
    TimeProvider time,
    ILogger<RunnerRegistry> logger) : BackgroundService
{
    private volatile bool _draining;

    public string RunnerId => runner.RunnerId;

    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        var capabilities = RunnerCapabilities.Detect(gpus);
        var registration = new RunnerRegistration(RunnerId, Environment.MachineName, bot.Value.EffectiveQueues, bot.Value.WorkerCount, capabilities.ToJson());
        await store.RegisterRunnerAsync(registration, cancellationToken).ConfigureAwait(false);
        LogRegistered(logger, RunnerId, string.Join(',', registration.Queues), registration.Concurrency, capabilities.Gpus.Count);
        lifetime.ApplicationStopping.Register(() => _draining = true);
        await base.StartAsync(cancellationToken).ConfigureAwait(false);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(bot.Value.RunnerHeartbeatInterval, time);
        try
        {
            do
            {
                await BeatAsync(stoppingToken).ConfigureAwait(false);
            }
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping: StopAsync records the last state.
        }
    }

    private async Task BeatAsync(CancellationToken cancellationToken)
    {
        try
        {
            var running = await store.CountRunningJobsAsync(RunnerId, cancellationToken).ConfigureAwait(false);
            var state = _draining ? RunnerState.Draining : running > 0 ? RunnerState.Busy : RunnerState.Idle;
            await store.HeartbeatRunnerAsync(RunnerId, state, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // A missed beat is visible as an older heartbeat; grading goes on.
            LogHeartbeatFailed(logger, RunnerId, ex);
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await store.HeartbeatRunnerAsync(RunnerId, RunnerState.Stopped, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogHeartbeatFailed(logger, RunnerId, ex);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Runner {RunnerId} registered: queues {Queues}, concurrency {Concurrency}, {GpuCount} GPU(s)")]
    private static partial void LogRegistered(ILogger logger, string runnerId, string queues, int concurrency, int gpuCount);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Runner {RunnerId}: the heartbeat could not be recorded")]
    private static partial void LogHeartbeatFailed(ILogger logger, string runnerId, Exception exception);
}
