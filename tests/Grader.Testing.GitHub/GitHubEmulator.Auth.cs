using System.Globalization;
using Microsoft.AspNetCore.Http;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Grader.Testing.GitHub;

public sealed partial class GitHubEmulator
{
    private static readonly TimeSpan MaximumJwtLifetime = TimeSpan.FromMinutes(10);

    /// <summary>The App whose valid JWT the request carries, or why not (GitHub answers 401).</summary>
    private async Task<(EmulatedApp? App, string? Problem)> AuthenticateAppAsync(HttpContext context)
    {
        var header = context.Request.Headers.Authorization.ToString();
        if (!header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return (null, "A JSON web token could not be decoded");
        }

        var jwt = header["Bearer ".Length..].Trim();
        JsonWebToken token;
        try
        {
            token = new JsonWebToken(jwt);
        }
        catch (ArgumentException)
        {
            return (null, "A JSON web token could not be decoded");
        }

        EmulatedApp? app;
        lock (_gate)
        {
            app = _apps.FirstOrDefault(a => a.Id.ToString(CultureInfo.InvariantCulture) == token.Issuer);
        }

        if (app is null)
        {
            return (null, "Integration not found");
        }

        var handler = new JsonWebTokenHandler();
        var validation = await handler.ValidateTokenAsync(jwt, new TokenValidationParameters
        {
            ValidIssuer = app.Id.ToString(CultureInfo.InvariantCulture),
            ValidateAudience = false,
            ValidateLifetime = false,
            ValidAlgorithms = [SecurityAlgorithms.RsaSha256],
            IssuerSigningKey = new RsaSecurityKey(app.Key.ExportParameters(false)),
        }).ConfigureAwait(false);
        if (!validation.IsValid)
        {
            return (null, "A JSON web token could not be decoded");
        }

        if (!token.TryGetPayloadValue<long>("iat", out var iat) || !token.TryGetPayloadValue<long>("exp", out var exp))
        {
            return (null, "'Issued at' and 'Expiration time' claims are required");
        }

        var now = ClockOf(app.Id).GetUtcNow().ToUnixTimeSeconds();
        if (iat > now)
        {
            return (null, "'Issued at' claim ('iat') must be an Integer representing a time in the past.");
        }

        if (exp <= now || exp - now > (long)MaximumJwtLifetime.TotalSeconds)
        {
            return (null, "'Expiration time' claim ('exp') must be a numeric value representing the future time at which the assertion expires, at most 10 minutes ahead.");
        }

        return (app, null);
    }

    /// <summary>The installation whose unexpired token the request carries (header "token X" or "Bearer X").</summary>
    private EmulatedInstallation? AuthenticateInstallation(HttpContext context)
    {
        var header = context.Request.Headers.Authorization.ToString();
        var space = header.IndexOf(' ', StringComparison.Ordinal);
        var value = space > 0 ? header[(space + 1)..].Trim() : string.Empty;
        return AuthenticateInstallationToken(value);
    }

    private EmulatedInstallation? AuthenticateInstallationToken(string token)
    {
        lock (_gate)
        {
            if (!_tokens.TryGetValue(token, out var issued))
            {
                return null;
            }

            var installation = _installations.First(i => i.Id == issued.InstallationId);
            return _clocks[installation.App.Id].GetUtcNow() < issued.ExpiresAt ? installation : null;
        }
    }

    /// <summary>Who the request acts as: an installation (its App's bot user) or a user with a personal token.</summary>
    private Caller? Authenticate(HttpContext context)
    {
        if (AuthenticateInstallation(context) is { } installation)
        {
            return new Caller(installation.App.BotLogin, "Bot", installation);
        }

        var header = context.Request.Headers.Authorization.ToString();
        var space = header.IndexOf(' ', StringComparison.Ordinal);
        var value = space > 0 ? header[(space + 1)..].Trim() : string.Empty;
        lock (_gate)
        {
            return _userTokens.TryGetValue(value, out var user) ? new Caller(user.Login, "User", null, user.RepositoryId) : null;
        }
    }

    /// <summary>The repository if the request's installation (or user) may see it.</summary>
    private (EmulatedRepository? Repository, IResult? Failure) Authorize(HttpContext context, string owner, string repo)
    {
        var caller = Authenticate(context);
        if (caller is null)
        {
            return (null, BadCredentials());
        }

        lock (_gate)
        {
            var repository = _repositories.FirstOrDefault(r =>
                string.Equals(r.Owner, owner, StringComparison.OrdinalIgnoreCase) && string.Equals(r.Name, repo, StringComparison.OrdinalIgnoreCase));
            var visible = repository is not null && (caller.Installation is { } installation
                ? repository.InstallationId == installation.Id || repository.OtherInstallationIds.Contains(installation.Id)
                : caller.RepositoryId == repository.Id);
            // GitHub hides repositories outside the installation behind 404.
            return visible ? (repository, null) : (null, NotFound());
        }
    }

    /// <summary>The authenticated actor of a request that <see cref="Authorize"/> let through.</summary>
    private Caller CallerOf(HttpContext context) => Authenticate(context) ?? throw new InvalidOperationException("Request was not authenticated.");

    /// <param name="Login">The login GitHub records as author: <c>{slug}[bot]</c> for an installation.</param>
    /// <param name="Type">The author's account type as GitHub reports it: <c>Bot</c> or <c>User</c>.</param>
    /// <param name="Installation">The installation, when an App acts; null for a user.</param>
    /// <param name="RepositoryId">The repository a user token may act on.</param>
    private sealed record Caller(string Login, string Type, EmulatedInstallation? Installation, long RepositoryId = 0);

    private IssuedToken Issue(EmulatedInstallation installation)
    {
        lock (_gate)
        {
            var now = _clocks[installation.App.Id].GetUtcNow();
            var token = new IssuedToken(NewToken(), installation.Id, now, now.AddHours(1));
            _tokens[token.Token] = token;
            return token;
        }
    }
}
