namespace Grader.Evidence.Reports;

/// <summary>What a report covers (the <c>--cohort --module --learner --since --until</c> options).</summary>
public sealed record ReportFilter
{
    public string? Cohort { get; init; }
    public string? ModuleId { get; init; }

    /// <summary>A learner id, GitHub login or email from the roster, or a GitHub login with evidence.</summary>
    public string? Learner { get; init; }

    public DateTimeOffset? Since { get; init; }
    public DateTimeOffset? Until { get; init; }
}
