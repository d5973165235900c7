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

        var delays = options.EffectiveDelays;
        GlobalJobFilters.Filters.Add(new AutomaticRetryAttribute
        {
            Attempts = options.Attempts,
            DelayInSecondsByAttemptFunc = attempt => delays[(int)Math.Min(attempt, delays.Count - 1)],
            OnAttemptsExceeded = AttemptsExceededAction.Fail,
            LogEvents = true,
        });
    }
}
