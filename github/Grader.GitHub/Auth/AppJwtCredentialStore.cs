using Octokit;

namespace Grader.GitHub.Auth;

/// <summary>Credentials of the App itself: a freshly signed JWT per request.</summary>
public sealed class AppJwtCredentialStore(AppJwtFactory jwtFactory) : ICredentialStore
{
    public Task<Credentials> GetCredentials() =>
        Task.FromResult(new Credentials(jwtFactory.CreateToken(), AuthenticationType.Bearer));
}
