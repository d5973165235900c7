using Grader.Bot.Storage;
using Grader.GitHub.Outbox;
using Hangfire;
using Hangfire.States;

namespace Grader.Bot.Jobs;

/// <summary>
/// On start, before the Hangfire server: every job the store holds as queued or running whose Hangfire job is gone
/// (in-memory storage after a restart) or finished is enqueued again and handed to the new Hangfire job (a queued job
/// none has claimed yet is looked for among the jobs waiting in Hangfire's queues), so a restart loses no job, unless it was
/// running and has used its attempts (<see cref="AttemptBudget"/>): then it ends as a grader error (neutral check
/// run, no review), so a grading that kills the process cannot make it crash on every start. A pull request whose newest
/// job the submission limit deferred gets its release scheduled again when its Hangfire job is gone.
/// </summary>
public sealed partial class JobReconciler(
    GraderStore store,
    JobStorage storage,
    JobScheduler scheduler,
    AttemptBudget budget,
    OutboxSignal outbox,
    ILogger<JobReconciler> logger) : IHostedService
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

    /// <summary>Returns how many jobs were enqueued again.</summary>
    public async Task<int> ReconcileAsync(CancellationToken cancellationToken)
    {
        var count = 0;
        using var connection = storage.GetConnection();
        HashSet<string>? unclaimed = null;
        foreach (var job in await store.GetUnfinishedJobsAsync(cancellationToken).ConfigureAwait(false))
        {
            if (job.HangfireJobId is null)
            {
                // Queued and not started: no Hangfire job has claimed it, so it is found among those waiting in their queues.
                unclaimed ??= WaitingJobKeys();
                if (unclaimed.Contains(job.JobKey))
                {
                    continue;
                }
            }
            else if (connection.GetStateData(job.HangfireJobId) is { } state && LiveStates.Contains(state.Name))
            {
                continue;
            }

            if (job.State is JobState.Running && budget.Spent(job.Attempts, job.WorkerDeaths) is { } spent)
            {
                var error = GradingOutcomes.GraderError($"The grader stopped while it was grading this commit (no further attempt: {spent})", job.Attempts);
                if (await store.CompleteJobWithGraderErrorAsync(job.JobKey, new OutboxResult(error, PostReview: false), cancellationToken).ConfigureAwait(false))
                {
                    outbox.Notify();
                    LogGaveUp(logger, job.JobKey, job.Attempts, spent);
                }

                continue;
            }

            if (await scheduler.RequeueAsync(job, cancellationToken).ConfigureAwait(false))
            {
                count++;
            }
        }

        foreach (var deferred in await store.GetPendingDeferralsAsync(cancellationToken).ConfigureAwait(false))
        {
            var state = deferred.HangfireJobId is null ? null : connection.GetStateData(deferred.HangfireJobId);
            if (state is null || !LiveStates.Contains(state.Name))
            {
                // The release a deferral promised was lost with in-memory storage: scheduled again (at once if due).
                await scheduler.ScheduleReleaseAsync(deferred, deferred.DeferredUntil!.Value, cancellationToken).ConfigureAwait(false);
                count++;
            }
        }

        return count;
    }

    /// <summary>The store's job keys of the grading jobs waiting in Hangfire's queues or being started (fetched, not yet claimed).</summary>
    private HashSet<string> WaitingJobKeys()
    {
        const int page = 500;
        var keys = new HashSet<string>(StringComparer.Ordinal);
        var monitoring = storage.GetMonitoringApi();
        foreach (var queue in monitoring.Queues())
        {
            for (var from = 0; ; from += page)
            {
                var jobs = monitoring.EnqueuedJobs(queue.Name, from, page);
                keys.UnionWith(jobs.Select(j => GradingJobKey(j.Value.Job)).OfType<string>());
                if (jobs.Count < page) break;
            }
        }

        for (var from = 0; ; from += page)
        {
            var jobs = monitoring.ProcessingJobs(from, page);
            keys.UnionWith(jobs.Select(j => GradingJobKey(j.Value.Job)).OfType<string>());
            if (jobs.Count < page) break;
        }

        return keys;
    }

    private static string? GradingJobKey(Hangfire.Common.Job? job) =>
        job is { Type: var type, Args: [string key, ..] } && type == typeof(GradingJob) ? key : null;

    [LoggerMessage(Level = LogLevel.Information, Message = "Reconciled {Count} unfinished job(s) from the store into Hangfire")]
    private static partial void LogReconciled(ILogger logger, int count);

    [LoggerMessage(Level = LogLevel.Error, Message = "Job {JobKey} was running when the grader stopped, on attempt {Attempt}, and gets no other ({Spent}): grader error recorded")]
    private static partial void LogGaveUp(ILogger logger, string jobKey, int attempt, string spent);
}
