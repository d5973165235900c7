using Grader.Evidence.Model;

namespace Grader.Evidence.Reports.Leaderboards;

/// <summary>One learner's place: their best verified result, the commit that showed it and when.</summary>
/// <param name="Name">The alias or login to show (plain text: every output escapes it).</param>
/// <param name="Anonymous">The board shows aliases and this learner has none.</param>
/// <param name="ValueText">The value as the review showed it (<c>p95 12.5 ms</c>).</param>
/// <param name="Link">The pull request, else the commit on GitHub; null when neither is known.</param>
public sealed record LeaderboardEntry(
    int Rank,
    string Name,
    bool Anonymous,
    MeasuredQuantity Value,
    string ValueText,
    string Repository,
    string HeadSha,
    int? PullRequestNumber,
    string? Link,
    DateTimeOffset GradedAt)
{
    /// <summary>The first seven hex digits: a commit id holds nothing else, so nothing else is shown.</summary>
    public string ShortSha => new(HeadSha.Where(Uri.IsHexDigit).Take(7).ToArray());
}

/// <summary>Records the board read but did not rank, by reason.</summary>
/// <param name="Unverified">The signature does not check against the store's key (altered, or signed by another key).</param>
/// <param name="Incomplete">Grader errors: never an attempt.</param>
/// <param name="NotMeasured">The criterion is missing, was not graded, or has no value.</param>
/// <param name="OtherUnit">A value in a unit that does not compare with the board's.</param>
public sealed record LeaderboardExclusions(int Unverified, int Incomplete, int NotMeasured, int OtherUnit)
{
    public int Total => Unverified + Incomplete + NotMeasured + OtherUnit;
}

/// <summary>A module's leaderboard: the best verified result per learner of the ranked criterion, best first.</summary>
/// <param name="Settings">From the newest verified record of the module (signed with it).</param>
/// <param name="Unit">The canonical unit values compare in (<see cref="MeasuredQuantity"/>).</param>
/// <param name="KeyId">The key the records were verified with.</param>
public sealed record ModuleLeaderboard(
    string ModuleId,
    string ModuleTitle,
    LeaderboardRef Settings,
    string CriterionTitle,
    string Unit,
    IReadOnlyList<LeaderboardEntry> Entries,
    LeaderboardExclusions Excluded,
    string KeyId,
    DateTimeOffset GeneratedAt)
{
    public bool HigherIsBetter => Settings.Order == "higher_is_better";
}

/// <summary>What a leaderboard request found: a board, or why the module has none.</summary>
public sealed record LeaderboardResult(ModuleLeaderboard? Board, string? Reason)
{
    public static LeaderboardResult None(string reason) => new(null, reason);
}
