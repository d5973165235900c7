using Grader.Bot.Configuration;
using Microsoft.Extensions.Options;

namespace Grader.Bot.Jobs;

/// <summary>
/// How many times a job may be tried, counted in SQLite so that restarts do not reset it: at most
/// <c>bot.retry.attempts</c> + 1 attempt starts (an attempt a restart interrupted counts), and at most
/// <c>bot.worker.max_deaths</c> deaths of its grading worker. A job past either ends as a grader error: no crash loop.
/// </summary>
public sealed class AttemptBudget(IOptions<BotOptions> bot, IOptions<GradingWorkerOptions> worker)
{
    public int MaxAttempts => bot.Value.Retry.Attempts + 1;

    public int MaxWorkerDeaths => worker.Value.MaxDeaths;

    /// <summary>Why a job with these counts gets no further attempt, or null when it may have another.</summary>
    public string? Spent(int attempts, int workerDeaths) =>
        workerDeaths >= MaxWorkerDeaths ? $"its grading worker died {workerDeaths} time(s)"
        : attempts >= MaxAttempts ? $"all {attempts} attempt(s) were used"
        : null;
}
