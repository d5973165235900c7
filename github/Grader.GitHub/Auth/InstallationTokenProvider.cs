using System.Collections.Concurrent;
using Grader.GitHub.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Grader.GitHub.Auth;

/// <summary>Installation access tokens, cached per installation until shortly before they expire.</summary>
public interface IInstallationTokenProvider
{
    ValueTask<InstallationAccessToken> GetTokenAsync(long installationId, CancellationToken cancellationToken);

    /// <summary>Forget a token GitHub no longer accepts (e.g. revoked), so the next call fetches a new one.</summary>
    void Invalidate(long installationId);
}

/// <summary>
/// Thread-safe cache: concurrent callers for the same installation share one refresh (a per-installation lock),
/// callers for different installations never wait on each other.
/// </summary>
public sealed partial class InstallationTokenProvider(
    GitHubConnectionBuilder clients,
    AppJwtFactory jwtFactory,
    IOptions<GitHubAppOptions> options,
    TimeProvider time,
    ILogger<InstallationTokenProvider> logger) : IInstallationTokenProvider
{
    private readonly ConcurrentDictionary<long, Slot> _slots = new();

    public async ValueTask<InstallationAccessToken> GetTokenAsync(long installationId, CancellationToken cancellationToken)
    {
        var slot = _slots.GetOrAdd(installationId, static _ => new Slot());
        if (IsFresh(slot.Token))
        {
            return slot.Token!;
        }

        await slot.Lock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            // Another caller may have refreshed while this one waited.
            if (IsFresh(slot.Token))
            {
                return slot.Token!;
            }

            var client = clients.Build(new AppJwtCredentialStore(jwtFactory));
            var created = await GitHubCallScope.RunAsync(
                () => client.GitHubApps.CreateInstallationToken(installationId), cancellationToken).ConfigureAwait(false);
            var token = new InstallationAccessToken(created.Token, created.ExpiresAt);
            slot.Token = token;
            LogTokenIssued(logger, installationId, token.ExpiresAt);
            return token;
        }
        finally
        {
            slot.Lock.Release();
        }
    }

    public void Invalidate(long installationId)
    {
        if (_slots.TryGetValue(installationId, out var slot))
        {
            slot.Token = null;
        }
    }

    private bool IsFresh(InstallationAccessToken? token) =>
        token is not null && time.GetUtcNow() < token.ExpiresAt - options.Value.TokenRefreshMargin;

    private sealed class Slot
    {
        public SemaphoreSlim Lock { get; } = new(1, 1);

        public volatile InstallationAccessToken? Token;
    }

    [LoggerMessage(EventId = 2001, Level = LogLevel.Information, Message = "Obtained an installation access token for installation {InstallationId}, valid until {ExpiresAt:O}")]
    private static partial void LogTokenIssued(ILogger logger, long installationId, DateTimeOffset expiresAt);
}
