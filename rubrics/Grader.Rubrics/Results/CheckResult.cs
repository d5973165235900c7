namespace Grader.Rubrics.Results;

/// <summary>How a check ended.</summary>
public enum CheckStatus
{
    /// <summary>The check ran and its requirement was met.</summary>
    Passed,
    /// <summary>The check ran and the learner's submission did not meet it.</summary>
    Failed,
    /// <summary>The check could not run because of the learner's submission (e.g. the image did not build): scored as not met.</summary>
    NotRun,
    /// <summary>The grader itself failed (engine down, runner lost, grader timeout, no GPU on this runner): never scored as the learner's failure.</summary>
    GraderError,
}

/// <summary>
/// What the runner observed for one criterion's check: the scoring engine's input.
/// </summary>
/// <remarks>
/// <see cref="Measure"/> is the check's primary measured value in the unit its check type documents
/// (pass ratio, p95 ms, bytes...), used by partial-credit rules. <see cref="Values"/> fill feedback placeholders.
/// </remarks>
public sealed record CheckResult
{
    public required string CriterionId { get; init; }
    public required CheckStatus Status { get; init; }
    public double? Measure { get; init; }

    /// <summary>
    /// The check failed a requirement other than its measure's threshold (too few tests ran, a wrong status code, an
    /// error rate over its limit): no credit rule may earn points from the measure then.
    /// </summary>
    public bool RequirementFailed { get; init; }

    /// <summary>Named measured values, already formatted for people (e.g. size = "2.41 GB", max = "2 GB").</summary>
    public IReadOnlyDictionary<string, string> Values { get; init; } = new Dictionary<string, string>();

    /// <summary>One-line explanation of the outcome, in the check's words (learner-controlled text must not be here unescaped by renderers).</summary>
    public string? Message { get; init; }

    /// <summary>Detail lines shown under the criterion (e.g. failing tests, largest layers, side-by-side benchmark numbers).</summary>
    public IReadOnlyList<string> Details { get; init; } = [];

    /// <summary>File/line annotations for the check run (e.g. the Dockerfile line of an unpinned base image).</summary>
    public IReadOnlyList<Annotation> Annotations { get; init; } = [];

    /// <summary>Log excerpts shown collapsed in the review (bounded by the runner).</summary>
    public IReadOnlyList<LogExcerpt> Logs { get; init; } = [];

    public TimeSpan Duration { get; init; }

    public static CheckResult GraderError(string criterionId, string message) =>
        new() { CriterionId = criterionId, Status = CheckStatus.GraderError, Message = message };

    public static CheckResult NotRunBecause(string criterionId, string message) =>
        new() { CriterionId = criterionId, Status = CheckStatus.NotRun, Message = message };
}

public enum AnnotationLevel
{
    Notice,
    Warning,
    Failure,
}

/// <summary>A file and line in the learner's submission that a finding points at.</summary>
public sealed record Annotation(string Path, int StartLine, int EndLine, AnnotationLevel Level, string Message, string? Title = null);

/// <summary>A titled, bounded excerpt of a log (build log, test output).</summary>
public sealed record LogExcerpt(string Title, string Text, bool Truncated = false);
