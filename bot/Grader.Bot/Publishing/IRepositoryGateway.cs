namespace Grader.Bot.Publishing;

/// <summary>Reads from GitHub what decides how (and whether) a PR is graded.</summary>
public interface IRepositoryGateway
{
    /// <summary>A file at the tip of the repository's default branch, or null when absent.</summary>
    Task<string?> GetDefaultBranchFileAsync(long installationId, string repository, string path, CancellationToken cancellationToken);

    /// <summary>The user's permission on the repository: admin, maintain, write, triage, read or none.</summary>
    Task<string> GetCollaboratorPermissionAsync(long installationId, string repository, string login, CancellationToken cancellationToken);

    /// <summary>The PR's current head, base commit, author, draft flag and state.</summary>
    Task<PullRequestSnapshot> GetPullRequestAsync(long installationId, string repository, int number, CancellationToken cancellationToken);
}

/// <param name="BaseSha">The commit the PR's base branch points at (benchmark references with <c>base_commit: true</c>).</param>
public sealed record PullRequestSnapshot(int Number, string HeadSha, string AuthorLogin, bool Draft, bool Open, string? BaseSha = null);
