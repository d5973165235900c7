using System.ComponentModel.DataAnnotations;

namespace Grader.Bot.Jobs;

/// <summary>
/// The grading worker process (section <c>Grader:Bot:Worker</c>, <c>bot.worker</c> in the config file): every grading attempt
/// runs in a child process (<c>grader worker</c>), so a crash, stack overflow or memory blow-up costs that attempt,
/// never the process that takes webhooks, dispatches and publishes.
/// </summary>
public sealed class GradingWorkerOptions
{
    public const string SectionName = "Grader:Bot:Worker";

    /// <summary>
    /// The <c>grader</c> executable, or its <c>grader.dll</c> (run with the <c>dotnet</c> host); null: the program
    /// this process runs (<c>grader serve</c> starts itself). Set it where the host is not the <c>grader</c> command.
    /// </summary>
    public string? Command { get; set; }

    /// <summary>The worker's managed heap limit (<c>DOTNET_GCHeapHardLimit</c>): past it the worker fails, not the bot.</summary>
    [Range(64L << 20, long.MaxValue)]
    public long HeapLimitBytes { get; set; } = 2L << 30;

    /// <summary>Resident memory (managed and native, e.g. libgit2) past which the worker is killed.</summary>
    [Range(64L << 20, long.MaxValue)]
    public long ResidentLimitBytes { get; set; } = 4L << 30;

    /// <summary>Wall-clock limit of one attempt; the rubric's own time limits are far below it. Past it the worker is killed.</summary>
    public TimeSpan Deadline { get; set; } = TimeSpan.FromMinutes(90);

    /// <summary>Deaths of a job's worker (non-zero exit, signal, memory, deadline, no result) after which it ends as a grader error.</summary>
    [Range(1, 20)]
    public int MaxDeaths { get; set; } = 2;
}
