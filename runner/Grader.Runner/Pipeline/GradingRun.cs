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
}
