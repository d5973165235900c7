using System.Globalization;
using System.Security.Cryptography;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Grader.GitHub.Auth;

/// <summary>Signs the short-lived RS256 JWT that authenticates the GitHub App itself (iss = app id).</summary>
public sealed class AppJwtFactory : IDisposable
{
    private static readonly TimeSpan ClockDriftAllowance = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan GitHubMaximumLifetime = TimeSpan.FromMinutes(10);

    private readonly GitHubAppOptions _options;
    private readonly TimeProvider _time;
    private readonly Lazy<RSA> _key;
    private readonly JsonWebTokenHandler _handler = new() { SetDefaultTimesOnTokenCreation = false };

    // Its own signature provider cache: the shared default one is keyed by the key's material, so a host started after
    // another in the same process (same App key) would get a provider holding the first host's disposed RSA.
    private readonly CryptoProviderFactory _crypto = new();

    public AppJwtFactory(IOptions<GitHubAppOptions> options, TimeProvider time)
    {
        _options = options.Value;
        _time = time;
        if (_options.JwtLifetime <= TimeSpan.Zero || _options.JwtLifetime > GitHubMaximumLifetime)
        {
            throw new ArgumentException($"JwtLifetime must be within (0, {GitHubMaximumLifetime}]; GitHub rejects longer ones.", nameof(options));
        }

        _key = new Lazy<RSA>(LoadKey, LazyThreadSafetyMode.ExecutionAndPublication);
    }

    public string CreateToken()
    {
        if (_options.AppId <= 0)
        {
            throw new InvalidOperationException("GitHub App id is not configured (github.app_id, Grader__GitHub__AppId).");
        }

        var now = _time.GetUtcNow();
        var descriptor = new SecurityTokenDescriptor
        {
            Issuer = _options.AppId.ToString(CultureInfo.InvariantCulture),
            IssuedAt = (now - ClockDriftAllowance).UtcDateTime,
            Expires = (now + _options.JwtLifetime).UtcDateTime,
            SigningCredentials = new SigningCredentials(new RsaSecurityKey(_key.Value) { CryptoProviderFactory = _crypto }, SecurityAlgorithms.RsaSha256),
        };
        return _handler.CreateToken(descriptor);
    }

    private RSA LoadKey()
    {
        var pem = _options.PrivateKeyPem;
        if (string.IsNullOrWhiteSpace(pem))
        {
            if (string.IsNullOrWhiteSpace(_options.PrivateKeyPath))
            {
                throw new InvalidOperationException("GitHub App private key is not configured (github.private_key_path or github.private_key_pem; Grader__GitHub__PrivateKeyPath, Grader__GitHub__PrivateKeyPem).");
            }

            pem = File.ReadAllText(_options.PrivateKeyPath);
        }

        var rsa = RSA.Create();
        try
        {
            rsa.ImportFromPem(pem);
        }
        catch (ArgumentException ex)
        {
            rsa.Dispose();
            // The message of ImportFromPem never includes the key material.
            throw new InvalidOperationException("GitHub App private key is not a valid RSA PEM.", ex);
        }

        return rsa;
    }

    public void Dispose()
    {
        if (_key.IsValueCreated)
        {
            _key.Value.Dispose();
        }
    }
}
