using Grader.Rubrics.Results;
using Grader.Runner.Checks;
using Grader.Runner.Gpu;
using Grader.Runner.Service;

namespace Grader.Runner.Pipeline;

/// <summary>What one job has gathered so far; cleanup reads it whatever step failed.</summary>
internal sealed class PipelineJob(GradingRequest request, StepRecorder steps, DateTimeOffset startedAt)
{
    public GradingRequest Request { get; } = request;
    public StepRecorder Steps { get; } = steps;
    public DateTimeOffset StartedAt { get; } = startedAt;
    public Dictionary<string, CheckResult> Results { get; } = new(StringComparer.Ordinal);
    public List<GraderErrorRecord> GraderErrors { get; } = [];

    /// <summary>Checks may run concurrently: they record their errors through here.</summary>
    public void AddGraderError(GraderErrorRecord error)
    {
        lock (GraderErrors) GraderErrors.Add(error);
    }
    public List<LogExcerpt> Logs { get; } = [];
    public GradingContext? Context { get; set; }
    public string? CommitSha { get; set; }

    /// <summary>The job's own tag of its image (built or reused).</summary>
    public string? ImageTag { get; set; }
    public List<string> ImageTags { get; } = [];
    public bool ImageReused { get; set; }
    public IRunningService? Service { get; set; }
    public IGpuLease? GpuLease { get; set; }
}

/// <summary>Why some criteria cannot run: the image did not build (learner) or a grader failure.</summary>
internal sealed record Blocker(string Message, bool GraderError, bool FromGpu)
{
    public static Blocker NotRun(string message) => new(message, false, false);

    public static Blocker Error(string message, bool fromGpu = false) => new(message, true, fromGpu);

    public CheckResult ResultFor(string criterionId) =>
        GraderError ? CheckResult.GraderError(criterionId, Message) : CheckResult.NotRunBecause(criterionId, Message);
}
