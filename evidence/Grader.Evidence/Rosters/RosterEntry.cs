namespace Grader.Evidence.Rosters;

/// <summary>A learner as the program knows them.</summary>
/// <param name="LearnerId">The program's id for the learner (student number, Classroom identifier).</param>
/// <param name="GitHubLogin">Null for a learner with no linked GitHub account yet.</param>
public sealed record RosterEntry(string LearnerId, string Name, string? Email, string? GitHubLogin, long? GitHubId, string? Cohort)
{
    public string? LoginKey => GitHubLogin?.ToLowerInvariant();

    /// <summary>The name the learner chose for leaderboards that show aliases (<see cref="LearnerAlias"/>); null: none.</summary>
    public string? Alias { get; init; }

    /// <summary>The learner's deadline extensions per module (the roster's <c>extensions</c> column); null: none.</summary>
    public ModuleExtensions? Extensions { get; init; }
}
