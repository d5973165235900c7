using Grader.Bot.Configuration;
using Hangfire;

namespace Grader.Bot.Jobs;

/// <summary>
/// Replaces Hangfire's default global retry (10 attempts, fixed schedule) with the configured one. Only
/// grader errors reach it: the job returns normally for learner failures, supersession and its last attempt.
/// </summary>
public static class RetryPolicy
{
    public static void Install(RetryOptions options)
    {
        foreach (var filter in GlobalJobFilters.Filters.Where(f => f.Instance is AutomaticRetryAttribute).ToList())
        {
            GlobalJobFilters.Filters.Remove(filter.Instance);
        }

        GlobalJobFilters.Filters.Add(Create(options));
    }

    /// <summary>The retry filter: the n-th retry waits the n-th configured delay, the last delay repeats.</summary>
    public static AutomaticRetryAttribute Create(RetryOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var delays = options.EffectiveDelays;
        return new AutomaticRetryAttribute
        {
            Attempts = options.Attempts,
            // Hangfire numbers retries from 1: the first retry asks for attempt 1, which is the first delay.
            DelayInSecondsByAttemptFunc = attempt => delays[(int)Math.Clamp(attempt - 1, 0, delays.Count - 1)],
            OnAttemptsExceeded = AttemptsExceededAction.Fail,
            LogEvents = true,
        };
    }
}
