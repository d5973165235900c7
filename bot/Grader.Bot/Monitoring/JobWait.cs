using Hangfire.Server;
using Hangfire.States;

namespace Grader.Bot.Monitoring;

/// <summary>How long a Hangfire job waited in its queue before this attempt started, read from the job's state history.</summary>
public static class JobWait
{
    /// <summary>
    /// From the latest Enqueued state to now (a retry is enqueued again, so each attempt's own wait); null without a
    /// context (a job run directly) or when the storage cannot tell.
    /// </summary>
    /// <param name="firstAttempt">
    /// The job's first attempt, enqueued when it was created: the wait is read from the job itself, with no query of the
    /// storage's history on every job's start (the dispatch benchmark's hot path).
    /// </param>
    public static TimeSpan? Of(PerformContext? context, bool firstAttempt)
    {
        if (context?.BackgroundJob is not { Id: { } id } job || context.Storage is not { } storage) return null;
        if (firstAttempt) return DateTime.UtcNow - DateTime.SpecifyKind(job.CreatedAt, DateTimeKind.Utc);
        try
        {
            var details = storage.GetMonitoringApi().JobDetails(id);
            var enqueued = details?.History?
                .Where(h => string.Equals(h.StateName, EnqueuedState.StateName, StringComparison.Ordinal))
                .Select(h => (DateTime?)h.CreatedAt)
                .Max();
            return enqueued is { } at ? DateTime.UtcNow - DateTime.SpecifyKind(at, DateTimeKind.Utc) : null;
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // A metric is not worth failing a job for.
            return null;
        }
    }
}
