using Grader.Runner.Pipeline;

namespace Grader.Bot.Hosting;

/// <summary>
/// On start of a process that runs jobs, before the Hangfire server takes any: removes the containers, networks
/// and images this runner id's jobs left when the previous process died (SIGKILL, OOM, power loss), so a
/// killed job's test container stops competing with its re-grade and nothing of a job that is never re-graded
/// stays behind. Only objects labelled with this runner id are touched, so each runner needs its own id.
/// </summary>
public sealed partial class RunnerStartupSweep(GradingPipeline pipeline, ILogger<RunnerStartupSweep> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        try
        {
            // The janitor logs what it removed.
            await pipeline.SweepAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // The webhook intake must still come up when Docker is unreachable; jobs then fail and are retried.
            LogSweepFailed(logger, ex);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Error, Message = "Start-up sweep of this runner's Docker leftovers failed")]
    private static partial void LogSweepFailed(ILogger logger, Exception exception);
}
