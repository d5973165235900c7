using System.Collections.Concurrent;
using Grader.Bot.Configuration;
using Grader.Rubrics.Loading;

namespace Grader.Bot.Intake;

/// <summary>
/// The queue (capability) a rubric's jobs need when the bot config does not name one: <c>gpu</c> when the rubric
/// measures on a GPU, else <c>cpu</c>. Read from the rubric file itself, cached per file until it changes.
/// </summary>
public sealed partial class RubricQueues(ILogger<RubricQueues> logger)
{
    private readonly ConcurrentDictionary<string, (DateTime WrittenAt, string Queue)> _cache = new(StringComparer.Ordinal);

    public async Task<string> QueueForAsync(string rubricPath, CancellationToken cancellationToken)
    {
        var path = Path.GetFullPath(rubricPath);
        var writtenAt = File.Exists(path) ? File.GetLastWriteTimeUtc(path) : DateTime.MinValue;
        if (_cache.TryGetValue(path, out var known) && known.WrittenAt == writtenAt)
        {
            return known.Queue;
        }

        var loaded = await RubricLoader.LoadFileAsync(path, cancellationToken).ConfigureAwait(false);
        if (loaded.Rubric is null)
        {
            // The job still runs (on cpu) and reports the broken rubric as a grader error on the PR.
            LogUnloadable(logger, path, string.Join("; ", loaded.Diagnostics.Select(d => d.ToString())));
            return JobQueues.Cpu;
        }

        var queue = loaded.Rubric.NeedsGpu ? JobQueues.Gpu : JobQueues.Cpu;
        _cache[path] = (writtenAt, queue);
        return queue;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Rubric {RubricPath} does not load, its job goes to the cpu queue: {Problems}")]
    private static partial void LogUnloadable(ILogger logger, string rubricPath, string problems);
}
