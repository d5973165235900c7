using Grader.GitHub.Auth;
using Grader.GitHub.Http;
using Octokit;

namespace Grader.GitHub.Clients;

/// <summary>Creates Octokit clients that authenticate as the App or as one installation.</summary>
public interface IGitHubClientFactory
{
    /// <summary>A client authenticated as the App itself (JWT): for the /app endpoints.</summary>
    IGitHubClient CreateAppClient();

    /// <summary>A client authenticated as an installation; its token is fetched and renewed as requests need it.</summary>
    IGitHubClient CreateInstallationClient(long installationId);
}

public sealed class GitHubClientFactory(
    GitHubConnectionBuilder builder,
    AppJwtFactory jwtFactory,
    IInstallationTokenProvider tokens) : IGitHubClientFactory
{
    public IGitHubClient CreateAppClient() => builder.Build(new AppJwtCredentialStore(jwtFactory));

    public IGitHubClient CreateInstallationClient(long installationId) =>
        builder.Build(new InstallationCredentialStore(tokens, installationId));

    private sealed class InstallationCredentialStore(IInstallationTokenProvider tokens, long installationId) : ICredentialStore
    {
        public async Task<Credentials> GetCredentials()
        {
            var token = await tokens.GetTokenAsync(installationId, GitHubCallScope.Current).ConfigureAwait(false);
            return new Credentials(token.Token, AuthenticationType.Bearer);
        }
    }
}
