namespace Grader.Evidence.Store;

/// <summary>Which records a report reads. Learner and cohort filters are resolved to logins through the roster by the caller.</summary>
public sealed record EvidenceQuery
{
    public string? ModuleId { get; init; }

    /// <summary>Only these learners (GitHub logins, any case); null = everyone.</summary>
    public IReadOnlyCollection<string>? Logins { get; init; }

    /// <summary>Graded at or after.</summary>
    public DateTimeOffset? Since { get; init; }

    /// <summary>Graded before.</summary>
    public DateTimeOffset? Until { get; init; }

    /// <summary>Also read the signed JSON of each record (the JSON export, HTML, badges and xAPI need it).</summary>
    public bool WithJson { get; init; }
}
