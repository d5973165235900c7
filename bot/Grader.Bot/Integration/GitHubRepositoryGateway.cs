using System.Text;
using Grader.Bot.Publishing;
using Grader.GitHub.Repositories;

namespace Grader.Bot.Integration;

/// <summary><see cref="IRepositoryGateway"/> on Grader.GitHub's repository service (as the App installation).</summary>
public sealed class GitHubRepositoryGateway(GitHubRepositoryService repositories) : IRepositoryGateway
{
    public async Task<string?> GetDefaultBranchFileAsync(long installationId, string repository, string path, CancellationToken cancellationToken)
    {
        var (owner, name) = Split(repository);
        var bytes = await repositories.GetDefaultBranchFileAsync(installationId, owner, name, path, cancellationToken).ConfigureAwait(false);
        return bytes is null ? null : Encoding.UTF8.GetString(bytes);
    }

    public Task<string> GetCollaboratorPermissionAsync(long installationId, string repository, string login, CancellationToken cancellationToken)
    {
        var (owner, name) = Split(repository);
        return repositories.GetCollaboratorPermissionAsync(installationId, owner, name, login, cancellationToken);
    }

    public async Task<PullRequestSnapshot> GetPullRequestAsync(long installationId, string repository, int number, CancellationToken cancellationToken)
    {
        var (owner, name) = Split(repository);
        var pr = await repositories.GetPullRequestAsync(installationId, owner, name, number, cancellationToken).ConfigureAwait(false);
        return new PullRequestSnapshot(pr.Number, pr.HeadSha, pr.AuthorLogin, pr.Draft, string.Equals(pr.State, "open", StringComparison.OrdinalIgnoreCase), pr.BaseSha);
    }

    private static (string Owner, string Name) Split(string repository)
    {
        var slash = repository.IndexOf('/', StringComparison.Ordinal);
        return (repository[..slash], repository[(slash + 1)..]);
    }
}
