namespace Grader.Runner.Results;

/// <summary>
/// result.json: the machine-readable outcome of one grading job (see runner/RESULT_FORMAT.md).
/// Field names are part of the format: renaming one is a new <see cref="SchemaVersion"/>.
/// </summary>
public sealed record ResultDocument
{
    /// <summary>The version of this format that the writer produced.</summary>
    public const int CurrentSchemaVersion = 1;

    public int SchemaVersion { get; init; } = CurrentSchemaVersion;
    public required string RunnerId { get; init; }
    public required string JobId { get; init; }
    public required DateTimeOffset StartedAt { get; init; }
    public required DateTimeOffset FinishedAt { get; init; }
    public required SubmissionInfo Submission { get; init; }
    public required RubricInfo Rubric { get; init; }
    public required VerdictInfo Verdict { get; init; }
    public required IReadOnlyList<CriterionInfo> Criteria { get; init; }
    public IReadOnlyList<EvidenceInfo> Evidence { get; init; } = [];
    public IReadOnlyList<StepInfo> Steps { get; init; } = [];
    public IReadOnlyList<GraderErrorInfo> GraderErrors { get; init; } = [];

    /// <summary>Raw score, penalty and final score against the rubric's deadline; absent without a deadline or submission time.</summary>
    public LateWorkInfo? LateWork { get; init; }

    /// <summary>Sentences for the learner: that more criteria are counted than listed (never naming them); absent when none.</summary>
    public IReadOnlyList<string>? Notes { get; init; }
}

/// <param name="Status">on_time | within_grace | late | not_accepted | closed.</param>
/// <param name="Due">The learner's due date (extension applied).</param>
/// <param name="Penalty">Share of the points taken, 0..1.</param>
public sealed record LateWorkInfo(
    string Status,
    DateTimeOffset SubmittedAt,
    DateTimeOffset Due,
    DateTimeOffset? Close,
    double LateByMinutes,
    int Units,
    double Penalty,
    double RawPoints,
    double PenaltyPoints,
    double FinalPoints,
    string Explanation);

/// <param name="Source">What was graded (folder, repository path or clone URL, never with credentials).</param>
/// <param name="Kind">folder | repository | remote.</param>
/// <param name="Commit">The commit graded (full SHA), or null for a folder.</param>
public sealed record SubmissionInfo(string Source, string Kind, string? Commit);

public sealed record RubricInfo(string Id, string Title, string? File);

/// <param name="Event">The PR review event: approve | comment | request_changes.</param>
public sealed record VerdictInfo(
    bool Passed,
    bool Incomplete,
    double Points,
    double Max,
    double Percentage,
    string Event,
    string Summary,
    IReadOnlyList<string> FailedGates);

/// <summary>One criterion: <c>outcome</c> is met | partial | not_met | grader_error; <c>status</c> the check's own: passed | failed | not_run | grader_error.</summary>
public sealed record CriterionInfo
{
    public required string Id { get; init; }
    public required string Title { get; init; }
    public required string Check { get; init; }
    public required string Outcome { get; init; }
    public required string Status { get; init; }
    public required double Points { get; init; }
    public required double Max { get; init; }
    public bool Gate { get; init; }
    public double? Measure { get; init; }
    public IReadOnlyDictionary<string, string> Values { get; init; } = new Dictionary<string, string>();
    public string? Message { get; init; }
    public string? Feedback { get; init; }
    public IReadOnlyList<string> Details { get; init; } = [];
    public IReadOnlyList<AnnotationInfo> Annotations { get; init; } = [];
    public double DurationMs { get; init; }
}

/// <param name="Level">notice | warning | failure.</param>
public sealed record AnnotationInfo(string Path, int StartLine, int EndLine, string Level, string Message, string? Title);

/// <param name="Level">Working | Proficient | Expert.</param>
public sealed record EvidenceInfo(string Competency, string Name, string Level, string Criterion);

/// <param name="Status">succeeded | failed | skipped | grader_error | cancelled.</param>
public sealed record StepInfo(string Name, string Status, DateTimeOffset StartedAt, double DurationMs, string? Message);

public sealed record GraderErrorInfo(string Step, string Message, string? Criterion);
