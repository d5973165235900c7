namespace Grader.Evidence.Model;

/// <summary>
/// What one completed grading showed, kept for program leads: who, which commit, which module and rubric (with a hash
/// of the exact rubric files), every criterion's outcome, the verdict and the competencies demonstrated, and where it
/// ran. Immutable and append-only once stored; a re-grade is a new record. Field names are the JSON contract
/// (evidence/README.md, "Record").
/// </summary>
public sealed record EvidenceRecord
{
    /// <summary>Version of this record's JSON form; a renamed or removed field is a new version.</summary>
    public int FormatVersion { get; init; } = 1;

    /// <summary>A UUID, unique per record.</summary>
    public required string RecordId { get; init; }

    public required LearnerRef Learner { get; init; }
    public required SubmissionRef Submission { get; init; }
    public required ModuleRef Module { get; init; }
    public required RubricRef Rubric { get; init; }
    public required IReadOnlyList<CriterionEvidence> Criteria { get; init; }

    public required double Points { get; init; }
    public required double MaxPoints { get; init; }

    /// <summary>0..100, one decimal, as in the review.</summary>
    public required double Percentage { get; init; }

    /// <summary>The module was passed. Always false when <see cref="Complete"/> is false.</summary>
    public required bool Passed { get; init; }

    /// <summary>
    /// False when a grader error kept at least one criterion from being graded: the record is kept as a grader error
    /// and never counts as the learner's attempt or failure.
    /// </summary>
    public required bool Complete { get; init; }

    /// <summary>What the grader failed at, when <see cref="Complete"/> is false.</summary>
    public IReadOnlyList<string> GraderErrors { get; init; } = [];

    /// <summary>Competencies demonstrated, each at the highest level shown.</summary>
    public required IReadOnlyList<CompetencyLevel> Competencies { get; init; }

    public required RunnerRef Runner { get; init; }

    public required DateTimeOffset StartedAt { get; init; }
    public required DateTimeOffset GradedAt { get; init; }

    public string? ReviewUrl { get; init; }
    public string? CheckRunUrl { get; init; }

    /// <summary>
    /// The module's leaderboard settings from its rubric when it publishes one; null, and so absent from the JSON,
    /// otherwise (records written before this field existed read and verify as before).
    /// </summary>
    public LeaderboardRef? Leaderboard { get; init; }
}

/// <param name="Criterion">The benchmark or load criterion ranked.</param>
/// <param name="Order"><c>lower_is_better</c> | <c>higher_is_better</c>.</param>
/// <param name="Show"><c>alias</c> | <c>login</c>.</param>
public sealed record LeaderboardRef(string Criterion, string Order, string Show);

/// <param name="Login">GitHub login (as GitHub spells it).</param>
/// <param name="GitHubId">GitHub's numeric user id, which survives a renamed login; null when not known (local grading).</param>
public sealed record LearnerRef(string Login, long? GitHubId);

/// <param name="Repository">owner/name, or the folder graded for a local grading.</param>
public sealed record SubmissionRef(string Repository, string HeadSha)
{
    public int? PullRequestNumber { get; init; }
    public string? PullRequestUrl { get; init; }
}

public sealed record ModuleRef(string Id, string Title);

/// <param name="Id">The rubric's module id.</param>
/// <param name="ContentHash"><c>sha256:</c> over the rubric files used (names and bytes, in load order).</param>
public sealed record RubricRef(string Id, string ContentHash)
{
    public string? File { get; init; }
}

/// <param name="Outcome"><c>met</c> | <c>partial</c> | <c>not_met</c> | <c>grader_error</c>.</param>
public sealed record CriterionEvidence(string Id, string Title, string Outcome, double Points, double MaxPoints)
{
    public bool Gate { get; init; }

    /// <summary>The check's primary measured value (unit per check kind), when there is one.</summary>
    public double? Measure { get; init; }

    /// <summary>The measured value as people read it (e.g. "1.21 GB", "9/10 passed").</summary>
    public string? MeasuredValue { get; init; }

    /// <summary>
    /// True for a rubric criterion with <c>visibility: hidden</c>: counted, never shown to the learner, so exports a
    /// learner receives (Open Badges) leave it out. Null, and so absent from the JSON, otherwise: records written
    /// before this field existed read and verify as before.
    /// </summary>
    public bool? InstructorOnly { get; init; }
}

/// <param name="Level"><c>Working</c> | <c>Proficient</c> | <c>Expert</c>.</param>
/// <param name="Criteria">The met criteria that showed the level.</param>
public sealed record CompetencyLevel(string Id, string Name, string Level, IReadOnlyList<string> Criteria)
{
    /// <summary>1 (Working) .. 3 (Expert).</summary>
    public int Rank => Levels.Rank(Level);
}

/// <param name="Id">The runner that graded.</param>
public sealed record RunnerRef(string Id)
{
    /// <summary>The learner's image id (sha256:...), when an image was built.</summary>
    public string? ImageDigest { get; init; }

    /// <summary>GPU model(s) used, when the grading ran on a GPU.</summary>
    public string? GpuModel { get; init; }
    public string? GpuDriver { get; init; }
}

/// <summary>The proficiency levels, in order.</summary>
public static class Levels
{
    public static readonly IReadOnlyList<string> All = ["Working", "Proficient", "Expert"];

    public static int Rank(string level) => All.IndexOf(level) + 1;

    public static string Name(int rank) => rank >= 1 && rank <= All.Count ? All[rank - 1] : "";

    private static int IndexOf(this IReadOnlyList<string> list, string value)
    {
        for (var i = 0; i < list.Count; i++)
        {
            if (string.Equals(list[i], value, StringComparison.OrdinalIgnoreCase)) return i;
        }
        return -1;
    }
}
