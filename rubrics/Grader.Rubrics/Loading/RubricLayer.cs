using Grader.Rubrics.Model;

namespace Grader.Rubrics.Loading;

/// <summary>A competency as declared, with where.</summary>
internal sealed record CompetencyDecl(Competency Competency, SourceLocation Location);

/// <summary>An evidence entry as written, checked against the declared competencies once reuse is resolved.</summary>
internal sealed record EvidenceDecl(EvidenceSpec Evidence, SourceLocation Location);

/// <summary>A criterion as declared in one file, before weights become points.</summary>
internal sealed record CriterionDecl(
    string Id,
    SourceLocation Location,
    Criterion? Criterion,
    double? Points,
    double? Weight,
    SourceLocation? AmountLocation,
    IReadOnlyList<EvidenceDecl> Evidence,
    IReadOnlyList<(CheckSpec Check, SourceLocation Location)> ServiceChecks,
    SourceLocation? AfterDueDateLocation = null);

/// <summary>A 'leaderboard' block as written: the criterion is checked against the assembled rubric.</summary>
internal sealed record LeaderboardDecl(string CriterionId, SourceLocation CriterionLocation, LeaderboardOrder? Order, LeaderboardShow Show, SourceLocation Location);

/// <summary>An <c>extends</c> or <c>include</c> entry: the path as written and where it was written.</summary>
internal sealed record FileReference(string Path, SourceLocation Location, string Key);

/// <summary>A setting a file gives explicitly, applied over what a base rubric gave.</summary>
internal sealed record Setting<T>(Func<T, T> Apply);

/// <summary>What one rubric file says, before <c>extends</c> and <c>include</c> are resolved.</summary>
internal sealed class RubricLayer
{
    public required string DisplayPath { get; init; }
    public required string FullPath { get; init; }

    /// <summary>Whether the file could be read as a map at all (false after a syntax error).</summary>
    public bool Parsed { get; init; }

    /// <summary>Where the top-level map starts (for problems about the rubric as a whole).</summary>
    public SourceLocation? TopLocation { get; set; }

    public bool HasModule { get; set; }
    public ModuleInfo? Module { get; set; }
    public List<CompetencyDecl> Competencies { get; } = [];
    public List<CriterionDecl> Criteria { get; } = [];
    public bool HasCriteriaKey { get; set; }
    public bool HasCompetenciesKey { get; set; }
    public double? PassMark { get; set; }
    public (double Value, SourceLocation Location)? TotalPoints { get; set; }
    public List<Setting<ReviewPolicy>> Review { get; } = [];
    public bool HasService { get; set; }
    public List<Setting<ServiceSpec>> Service { get; } = [];
    public List<Setting<SandboxLimits>> Limits { get; } = [];

    /// <summary>Whether the file writes 'deadline' (so a missing deadline is not reported again when it had errors).</summary>
    public bool HasDeadline { get; set; }
    public Deadline? Deadline { get; set; }

    /// <summary>Whether the file writes 'leaderboard', and the block when it parsed.</summary>
    public bool HasLeaderboard { get; set; }
    public LeaderboardDecl? Leaderboard { get; set; }
    public FileReference? Extends { get; set; }
    public List<FileReference> Includes { get; } = [];

    /// <summary>Top-level settings keys present, with where (an included fragment may not set them).</summary>
    public List<(string Key, SourceLocation Location)> SettingKeys { get; } = [];
}
