namespace Grader.Rubrics.Model;

/// <summary>Which way a leaderboard ranks the measured value.</summary>
public enum LeaderboardOrder
{
    LowerIsBetter,
    HigherIsBetter,
}

/// <summary>How a leaderboard names learners.</summary>
public enum LeaderboardShow
{
    /// <summary>The roster's alias the learner chose; a learner without one is shown anonymously.</summary>
    Alias,

    /// <summary>The GitHub login.</summary>
    Login,
}

/// <summary>
/// A module's opt-in leaderboard (rubrics/FORMAT.md, "leaderboard"): the best verified result per learner of one
/// <c>benchmark</c> or <c>load</c> criterion, from complete gradings only.
/// </summary>
public sealed record Leaderboard(string CriterionId, LeaderboardOrder Order, LeaderboardShow Show)
{
    public SourceLocation? Location { get; init; }

    public static string Name(LeaderboardOrder order) => order == LeaderboardOrder.HigherIsBetter ? "higher_is_better" : "lower_is_better";

    public static string Name(LeaderboardShow show) => show == LeaderboardShow.Login ? "login" : "alias";
}
