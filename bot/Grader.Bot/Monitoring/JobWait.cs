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
    public static TimeSpan? Of(PerformContext? context)
    {
        if (context?.BackgroundJob is not { Id: { } id } || context.Storage is not { } storage) return null;
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
