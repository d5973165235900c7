namespace Grader.Rubrics.Model;

/// <summary>A fully loaded and validated rubric: what a module grades and how it scores.</summary>
/// <remarks>Produced by the loader after <c>extends</c> and <c>include</c> are resolved; immutable.</remarks>
public sealed record Rubric
{
    public required ModuleInfo Module { get; init; }

    /// <summary>Competencies this module assesses, keyed by id, in declaration order.</summary>
    public required IReadOnlyList<Competency> Competencies { get; init; }

    /// <summary>Fraction of the total points (0..1) needed to pass, gates aside. Default 0.7.</summary>
    public double PassMark { get; init; } = 0.7;

    /// <summary>When set, the criteria's points must add up to exactly this.</summary>
    public double? TotalPoints { get; init; }

    public ReviewPolicy Review { get; init; } = new();

    /// <summary>How the learner's service is started for service checks (probes, metrics, load, recovery); null when none.</summary>
    public ServiceSpec? Service { get; init; }

    /// <summary>Default sandbox limits for containers that run learner code.</summary>
    public SandboxLimits Limits { get; init; } = new();

    /// <summary>When the module is due and how late work is treated; null when the rubric sets no deadline.</summary>
    public Deadline? Deadline { get; init; }

    /// <summary>The module's opt-in leaderboard; null when the rubric publishes none.</summary>
    public Leaderboard? Leaderboard { get; init; }

    public required IReadOnlyList<Criterion> Criteria { get; init; }

    /// <summary>Files this rubric was assembled from (itself first, then bases and fragments).</summary>
    public IReadOnlyList<string> SourceFiles { get; init; } = [];

    /// <summary>Where the rubric's own file lives; relative paths in checks (answer keys, baselines, hidden tests) resolve against it.</summary>
    public string? Directory { get; init; }

    public Competency? FindCompetency(string id) => Competencies.FirstOrDefault(c => c.Id == id);

    /// <summary>Sum of the criteria's points.</summary>
    public double MaxPoints => Criteria.Sum(c => c.Points);

    /// <summary>Whether grading needs a GPU: a criterion measures on one, or the service runs on one and is probed.</summary>
    public bool NeedsGpu => Criteria.Any(c => c.Check.NeedsGpu) || (Service?.Gpu == true && Criteria.Any(c => c.Check.NeedsService));
}

public sealed record ModuleInfo(string Id, string Title, string? Role = null, string? Description = null);

public enum ProficiencyLevel
{
    Working = 1,
    Proficient = 2,
    Expert = 3,
}

/// <summary>A competency the module assesses and the level the module targets.</summary>
public sealed record Competency(string Id, string Name, ProficiencyLevel TargetLevel, string? Description = null);

/// <summary>The event a PR review is posted with.</summary>
public enum ReviewEvent
{
    Comment,
    Approve,
    RequestChanges,
}

/// <summary>Which review event follows which outcome.</summary>
public sealed record ReviewPolicy
{
    public ReviewEvent OnPass { get; init; } = ReviewEvent.Approve;
    public ReviewEvent OnFail { get; init; } = ReviewEvent.RequestChanges;

    /// <summary>A gate criterion failed (overrides <see cref="OnFail"/> when set).</summary>
    public ReviewEvent? OnGateFailure { get; init; }

    /// <summary>Grading was incomplete because of a grader error. Never approve or request changes on a partial picture.</summary>
    public ReviewEvent OnIncomplete { get; init; } = ReviewEvent.Comment;
}

/// <summary>One thing the rubric grades: a check, its points, how partial credit is given, feedback and evidence.</summary>
public sealed record Criterion
{
    public required string Id { get; init; }
    public required string Title { get; init; }

    /// <summary>Points (weights are normalised into points by the loader).</summary>
    public required double Points { get; init; }

    /// <summary>A gate that is not met fails the module whatever the total.</summary>
    public bool Gate { get; init; }

    public required CheckSpec Check { get; init; }

    /// <summary>How partial credit is given from the check's measured value; null = all or nothing.</summary>
    public CreditRule? Credit { get; init; }

    public FeedbackTemplates Feedback { get; init; } = new();

    /// <summary>Evidence yielded when the criterion is met.</summary>
    public IReadOnlyList<EvidenceSpec> Evidence { get; init; } = [];

    /// <summary>When learners may see this criterion; it counts toward the score whatever its visibility.</summary>
    public CriterionVisibility Visibility { get; init; } = CriterionVisibility.Visible;

    public SourceLocation? Location { get; init; }
}

/// <summary>When a criterion's outcome may be shown to the learner. Every criterion counts toward the score.</summary>
public enum CriterionVisibility
{
    Visible,
    /// <summary>Counted, never shown to learners (instructor-only).</summary>
    Hidden,
    /// <summary>Shown once the learner's due date (extension included) has passed.</summary>
    AfterDueDate,
    /// <summary>Shown once the instructor publishes the module's results.</summary>
    AfterPublished,
}

/// <summary>Feedback text per outcome. Placeholders like <c>{size}</c> are filled from the check's measured values.</summary>
public sealed record FeedbackTemplates
{
    public string? Met { get; init; }
    public string? Partial { get; init; }
    public string? NotMet { get; init; }

    /// <summary>Free-form hint appended to not-met and partial feedback (e.g. a link to the lab).</summary>
    public string? Hint { get; init; }
}

public sealed record EvidenceSpec(string CompetencyId, ProficiencyLevel Level);
