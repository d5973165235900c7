using Grader.Rubrics.Results;
using Grader.Rubrics.Scoring;

namespace Grader.Runner.Pipeline;

/// <summary>Everything a grading job produced: what was graded, how each step went, the results and the scored review.</summary>
public sealed record GradingRun
{
    public required GradingRequest Request { get; init; }
    public required string RunnerId { get; init; }

    /// <summary>The commit graded; null for a plain folder.</summary>
    public string? CommitSha { get; init; }

    public required DateTimeOffset StartedAt { get; init; }
    public required DateTimeOffset FinishedAt { get; init; }
    public required IReadOnlyList<StepTiming> Steps { get; init; }
    public required IReadOnlyList<CheckResult> Results { get; init; }
    public required ScoredReview Review { get; init; }
    public required IReadOnlyList<GraderErrorRecord> GraderErrors { get; init; }

    /// <summary>Runner-side logs of the job (build log, service log), bounded.</summary>
    public required IReadOnlyList<LogExcerpt> Logs { get; init; }

    /// <summary>Whether the build was skipped because an identical context had been built before.</summary>
    public bool ImageReused { get; init; }

    /// <summary>The id (sha256:...) of the learner's image, when one was built or reused and inspected (evidence records).</summary>
    public string? ImageId { get; init; }

    /// <summary>Model names of the GPUs leased to the job; empty when it ran without one (evidence records).</summary>
    public IReadOnlyList<string> GpuModels { get; init; } = [];

    /// <summary>The NVIDIA driver version when the job held a GPU.</summary>
    public string? GpuDriver { get; init; }
}
