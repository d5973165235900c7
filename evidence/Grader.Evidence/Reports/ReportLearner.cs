using Grader.Evidence.Rosters;

namespace Grader.Evidence.Reports;

/// <summary>How a learner appears in a report.</summary>
public enum RosterStatus
{
    /// <summary>On the roster, with evidence.</summary>
    Submitted,
    /// <summary>On the roster, no evidence (in the report's scope).</summary>
    NoSubmission,
    /// <summary>Evidence under a GitHub login the roster does not have: listed, never dropped.</summary>
    NotOnRoster,
}

/// <summary>A learner of a report: a roster entry, a login with evidence, or both.</summary>
public sealed record ReportLearner(string Key, RosterEntry? Roster, string? Login, long? GitHubId, RosterStatus Status)
{
    public string Name => Roster?.Name ?? Login ?? Key;
    public string? LearnerId => Roster?.LearnerId;
    public string? Cohort => Roster?.Cohort;

    public static string StatusText(RosterStatus status) => status switch
    {
        RosterStatus.Submitted => "submitted",
        RosterStatus.NoSubmission => "no submission",
        _ => "not on roster",
    };
}
