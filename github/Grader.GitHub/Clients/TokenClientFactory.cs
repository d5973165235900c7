using Grader.GitHub.Http;
using Octokit;
using Octokit.Internal;

namespace Grader.GitHub.Clients;

/// <summary>
/// Clients that authenticate with one fixed token (a workflow's GITHUB_TOKEN in the GitHub Action) instead of
/// App installation tokens; the installation id is ignored. Same resilient pipeline as the App clients.
/// </summary>
public sealed class TokenClientFactory(GitHubConnectionBuilder builder, string token) : IGitHubClientFactory
{
    public IGitHubClient CreateAppClient() =>
        throw new NotSupportedException("A token-authenticated client cannot act as the GitHub App.");

    public IGitHubClient CreateInstallationClient(long installationId) =>
        builder.Build(new InMemoryCredentialStore(new Credentials(token, AuthenticationType.Bearer)));
}
