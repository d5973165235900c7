using Grader.GitHub.Clients;
using Grader.GitHub.Http;
using Octokit;

namespace Grader.GitHub.Repositories;

/// <summary>The pull request facts the bot decides on.</summary>
public sealed record PullRequestInfo(int Number, string HeadSha, string HeadRef, string BaseRef, bool Draft, string AuthorLogin, string State, string BaseSha);

public sealed record InstalledRepository(long Id, string Owner, string Name, string DefaultBranch, bool Private)
{
    public string FullName => $"{Owner}/{Name}";
}

/// <summary>Repository reads the bot needs, as an installation.</summary>
public sealed class GitHubRepositoryService(IGitHubClientFactory clients)
{
    /// <summary>The user's permission on the repository: admin, maintain, write, triage, read or none.</summary>
    public async Task<string> GetCollaboratorPermissionAsync(long installationId, string owner, string repository, string username, CancellationToken cancellationToken)
    {
        var client = clients.CreateInstallationClient(installationId);
        var permission = await GitHubCallScope.RunAsync(
            () => client.Repository.Collaborator.ReviewPermission(owner, repository, username), cancellationToken).ConfigureAwait(false);
        return permission.Permission;
    }

    /// <summary>A file's bytes from the default branch (never from the pull request), or null when it does not exist.</summary>
    public async Task<byte[]?> GetDefaultBranchFileAsync(long installationId, string owner, string repository, string path, CancellationToken cancellationToken)
    {
        var client = clients.CreateInstallationClient(installationId);
        var repo = await GitHubCallScope.RunAsync(() => client.Repository.Get(owner, repository), cancellationToken).ConfigureAwait(false);
        try
        {
            var contents = await GitHubCallScope.RunAsync(
                () => client.Repository.Content.GetAllContentsByRef(owner, repository, path, repo.DefaultBranch), cancellationToken).ConfigureAwait(false);
            var file = contents.Count == 1 && contents[0].Type.Value == ContentType.File ? contents[0] : null;
            return file?.EncodedContent is { } encoded ? Convert.FromBase64String(encoded) : null;
        }
        catch (NotFoundException)
        {
            return null;
        }
    }

    public async Task<PullRequestInfo> GetPullRequestAsync(long installationId, string owner, string repository, int number, CancellationToken cancellationToken)
    {
        var client = clients.CreateInstallationClient(installationId);
        var pr = await GitHubCallScope.RunAsync(() => client.PullRequest.Get(owner, repository, number), cancellationToken).ConfigureAwait(false);
        return new PullRequestInfo(pr.Number, pr.Head.Sha, pr.Head.Ref, pr.Base.Ref, pr.Draft, pr.User.Login, pr.State.StringValue, pr.Base.Sha);
    }

    /// <summary>Every repository the installation can access, across pages.</summary>
    public async Task<IReadOnlyList<InstalledRepository>> ListInstallationRepositoriesAsync(long installationId, CancellationToken cancellationToken)
    {
        var client = clients.CreateInstallationClient(installationId);
        var response = await GitHubCallScope.RunAsync(
            () => client.GitHubApps.Installation.GetAllRepositoriesForCurrent(), cancellationToken).ConfigureAwait(false);
        return response.Repositories
            .Select(r => new InstalledRepository(r.Id, r.Owner.Login, r.Name, r.DefaultBranch, r.Private))
            .ToList();
    }
}
