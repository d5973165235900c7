namespace Grader.GitHub.Auth;

/// <summary>An installation access token and its expiry. ToString never shows the token.</summary>
public sealed record InstallationAccessToken(string Token, DateTimeOffset ExpiresAt)
{
    public override string ToString() => $"InstallationAccessToken {{ Token = {SecretRedactor.Mask}, ExpiresAt = {ExpiresAt:O} }}";
}
