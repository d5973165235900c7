using Grader.Bot.Storage;
using Hangfire;
using Hangfire.States;

namespace Grader.Bot.Jobs;

/// <summary>
/// On start, before the Hangfire server: every job SQLite holds as queued or running whose Hangfire job is
/// gone (in-memory storage after a restart) or finished is enqueued again, so a restart loses no job.
/// </summary>
public sealed partial class JobReconciler(GraderStore store, JobStorage storage, JobScheduler scheduler, ILogger<JobReconciler> logger) : IHostedService
{
    private static readonly HashSet<string> LiveStates = new(StringComparer.OrdinalIgnoreCase)
    {
        EnqueuedState.StateName, ProcessingState.StateName, ScheduledState.StateName, AwaitingState.StateName,
    };

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var reconciled = await ReconcileAsync(cancellationToken).ConfigureAwait(false);
        LogReconciled(logger, reconciled);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public async Task<int> ReconcileAsync(CancellationToken cancellationToken)
    {
        var count = 0;
        using var connection = storage.GetConnection();
        foreach (var job in await store.GetUnfinishedJobsAsync(cancellationToken).ConfigureAwait(false))
        {
            var state = job.HangfireJobId is null ? null : connection.GetStateData(job.HangfireJobId);
            if (state is not null && LiveStates.Contains(state.Name))
            {
                continue;
            }

            await scheduler.EnqueueAsync(job, cancellationToken).ConfigureAwait(false);
            count++;
        }

        return count;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Reconciled {Count} unfinished job(s) from SQLite into Hangfire")]
    private static partial void LogReconciled(ILogger logger, int count);
}
