using Grader.Evidence.Model;

namespace Grader.Evidence.Store;

/// <summary>
/// One stored record as the reports read it: the scalar columns (enough for the tabular exports and for choosing the
/// latest and best records), the signature, and, when asked for, the canonical JSON the signature covers.
/// </summary>
public sealed record EvidenceRow
{
    public required long Seq { get; init; }
    public required string RecordId { get; init; }
    public required string LearnerLogin { get; init; }
    public long? LearnerGitHubId { get; init; }
    public required string Repository { get; init; }
    public int? PullRequestNumber { get; init; }
    public string? PullRequestUrl { get; init; }
    public required string HeadSha { get; init; }
    public required string ModuleId { get; init; }
    public required string ModuleTitle { get; init; }
    public required string RubricId { get; init; }
    public required string RubricHash { get; init; }
    public required double Points { get; init; }
    public required double MaxPoints { get; init; }
    public required double Percentage { get; init; }
    public required bool Passed { get; init; }
    public required bool Complete { get; init; }

    /// <summary><c>id:Level</c> pairs joined by <c>;</c>, in rubric order.</summary>
    public required string Competencies { get; init; }
    public string? ImageDigest { get; init; }
    public required string RunnerId { get; init; }
    public string? GpuModel { get; init; }
    public string? GpuDriver { get; init; }
    public required DateTimeOffset StartedAt { get; init; }
    public required DateTimeOffset GradedAt { get; init; }
    public string? ReviewUrl { get; init; }
    public string? CheckRunUrl { get; init; }
    public required string Signature { get; init; }
    public required string KeyId { get; init; }

    /// <summary>The signed canonical JSON; null unless the query asked for it.</summary>
    public string? RecordJson { get; init; }

    /// <summary>The learner's key: logins are case-insensitive on GitHub.</summary>
    public string LearnerKey => LearnerLogin.ToLowerInvariant();

    /// <summary>Competencies as (id, level rank) pairs, from the scalar column.</summary>
    public IEnumerable<(string Id, string Level)> CompetencyLevels()
    {
        foreach (var pair in Competencies.Split(';', StringSplitOptions.RemoveEmptyEntries))
        {
            var colon = pair.LastIndexOf(':');
            if (colon > 0) yield return (pair[..colon], pair[(colon + 1)..]);
        }
    }

    public EvidenceRecord Record() =>
        EvidenceJson.Deserialize(RecordJson ?? throw new InvalidOperationException("The query did not read the record JSON."));

    public static string CompetencyColumn(IEnumerable<CompetencyLevel> competencies) =>
        string.Join(';', competencies.Select(c => $"{c.Id}:{c.Level}"));
}
