using LibGit2Sharp;

namespace Grader.Action;

/// <summary>
/// What the action checks in the workspace's git repository before grading: that it is one, that it holds the
/// commit to grade, and which credentials a checkout left in its configuration (key names only, never values).
/// Grading itself exports the commit through the runner's checkout; this only decides whether to start.
/// </summary>
/// <param name="Problem">Why the workspace is not a usable repository; null when it is.</param>
/// <param name="HasCommit">Whether the commit to grade is in the repository's object database.</param>
/// <param name="PersistedCredentials">Configuration keys (local and included files) that hold credentials.</param>
public sealed record WorkspaceRepository(string? Problem, bool HasCommit, IReadOnlyList<string> PersistedCredentials)
{
    public static WorkspaceRepository Inspect(string workspace, string commitSha)
    {
        ArgumentNullException.ThrowIfNull(workspace);
        ArgumentNullException.ThrowIfNull(commitSha);
        var path = Path.GetFullPath(workspace);
        if (!Repository.IsValid(path)) return new WorkspaceRepository("no git repository there", false, []);
        try
        {
            using var repository = new Repository(path);
            var commit = repository.Lookup<Commit>(commitSha);
            return new WorkspaceRepository(null, commit is not null && commit.Sha.StartsWith(commitSha, StringComparison.OrdinalIgnoreCase), CredentialKeys(repository));
        }
        catch (LibGit2SharpException e)
        {
            return new WorkspaceRepository(e.Message, false, []);
        }
    }

    /// <summary>
    /// actions/checkout persists the token as <c>http.&lt;server&gt;/.extraheader</c>, in .git/config (v4 and
    /// earlier) or in a file under RUNNER_TEMP that .git/config includes (v6): libgit2 reports both at the
    /// local level. An SSH key is persisted as <c>core.sshCommand</c>; a token can also sit in a remote URL.
    /// </summary>
    private static List<string> CredentialKeys(Repository repository) =>
        [.. repository.Config
            .Where(e => e.Level == ConfigurationLevel.Local && IsCredential(e.Key, e.Value))
            .Select(e => e.Key)
            .Distinct(StringComparer.OrdinalIgnoreCase)];

    private static bool IsCredential(string key, string value)
    {
        if (key.StartsWith("http.", StringComparison.OrdinalIgnoreCase) && key.EndsWith(".extraheader", StringComparison.OrdinalIgnoreCase)) return true;
        if (key.Equals("core.sshCommand", StringComparison.OrdinalIgnoreCase)) return true;
        return key.StartsWith("remote.", StringComparison.OrdinalIgnoreCase) && key.EndsWith(".url", StringComparison.OrdinalIgnoreCase)
            && Uri.TryCreate(value, UriKind.Absolute, out var url) && url.UserInfo.Length > 0;
    }
}
