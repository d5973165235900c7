using System.Collections.Concurrent;
using Grader.Bot.Configuration;
using Grader.Rubrics.Loading;
using Grader.Rubrics.Model;

namespace Grader.Bot.Intake;

/// <summary>
/// What intake needs to know of a course rubric before any grading: the queue (capability) its jobs need when the bot
/// config does not name one (<c>gpu</c> when the rubric measures on a GPU, else <c>cpu</c>) its deadline (a push
/// after the hard close is acknowledged and not graded) and its module id (the roster's extensions name modules). Read from the rubric file itself, cached per file until it changes.
/// </summary>
public sealed partial class RubricCatalog(ILogger<RubricCatalog> logger)
{
    private readonly ConcurrentDictionary<string, (DateTime WrittenAt, RubricSummary Summary)> _cache = new(StringComparer.Ordinal);

    public async Task<string> QueueForAsync(string rubricPath, CancellationToken cancellationToken) =>
        (await SummaryForAsync(rubricPath, cancellationToken).ConfigureAwait(false)).Queue;

    /// <summary>The rubric's deadline; null when it has none or does not load (the job then reports the broken rubric).</summary>
    public async Task<Deadline?> DeadlineForAsync(string rubricPath, CancellationToken cancellationToken) =>
        (await SummaryForAsync(rubricPath, cancellationToken).ConfigureAwait(false)).Deadline;

    /// <summary>The rubric's module id (roster extensions are per module); null when the rubric does not load.</summary>
    public async Task<string?> ModuleIdForAsync(string rubricPath, CancellationToken cancellationToken) =>
        (await SummaryForAsync(rubricPath, cancellationToken).ConfigureAwait(false)).ModuleId;

    private async Task<RubricSummary> SummaryForAsync(string rubricPath, CancellationToken cancellationToken)
    {
        var path = Path.GetFullPath(rubricPath);
        var writtenAt = File.Exists(path) ? File.GetLastWriteTimeUtc(path) : DateTime.MinValue;
        if (_cache.TryGetValue(path, out var known) && known.WrittenAt == writtenAt)
        {
            return known.Summary;
        }

        var loaded = await RubricLoader.LoadFileAsync(path, cancellationToken).ConfigureAwait(false);
        if (loaded.Rubric is null)
        {
            // The job still runs (on cpu) and reports the broken rubric as a grader error on the PR.
            LogUnloadable(logger, path, string.Join("; ", loaded.Diagnostics.Select(d => d.ToString())));
            return new RubricSummary(JobQueues.Cpu, null, null);
        }

        var summary = new RubricSummary(loaded.Rubric.NeedsGpu ? JobQueues.Gpu : JobQueues.Cpu, loaded.Rubric.Deadline, loaded.Rubric.Module.Id);
        _cache[path] = (writtenAt, summary);
        return summary;
    }

    private sealed record RubricSummary(string Queue, Deadline? Deadline, string? ModuleId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Rubric {RubricPath} does not load, its job goes to the cpu queue: {Problems}")]
    private static partial void LogUnloadable(ILogger logger, string rubricPath, string problems);
}
