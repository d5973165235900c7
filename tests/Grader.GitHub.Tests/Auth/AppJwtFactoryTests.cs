using System.Security.Cryptography;
using Grader.GitHub.Auth;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Grader.GitHub.Tests.Auth;

public sealed class AppJwtFactoryTests
{
    [Test]
    public async Task CreateToken_ConfiguredApp_IsRs256SignedWithBackdatedIatAndExpiryWithinTenMinutes()
    {
        using var rsa = RSA.Create(2048);
        var now = new DateTimeOffset(2026, 11, 23, 9, 0, 0, TimeSpan.Zero);
        using var factory = new AppJwtFactory(Options.Create(new GitHubAppOptions { AppId = 4242, PrivateKeyPem = rsa.ExportPkcs8PrivateKeyPem() }), new FakeTimeProvider(now));

        var jwt = factory.CreateToken();

        var validation = await new JsonWebTokenHandler().ValidateTokenAsync(jwt, new TokenValidationParameters
        {
            ValidIssuer = "4242",
            ValidateAudience = false,
            ValidateLifetime = false,
            IssuerSigningKey = new RsaSecurityKey(rsa.ExportParameters(false)),
        });
        var token = new JsonWebToken(jwt);
        Assert.Multiple(() =>
        {
            Assert.That(validation.IsValid, Is.True, validation.Exception?.Message);
            Assert.That(token.Alg, Is.EqualTo("RS256"));
            Assert.That(token.GetPayloadValue<long>("iat"), Is.EqualTo(now.AddSeconds(-60).ToUnixTimeSeconds()));
            Assert.That(token.GetPayloadValue<long>("exp"), Is.EqualTo(now.AddMinutes(9).ToUnixTimeSeconds()));
            Assert.That(token.GetPayloadValue<long>("exp") - token.GetPayloadValue<long>("iat"), Is.LessThanOrEqualTo(600));
        });
    }

    [Test]
    public void Constructor_LifetimeOverTenMinutes_IsRejected()
    {
        var options = Options.Create(new GitHubAppOptions { AppId = 1, PrivateKeyPem = "unused", JwtLifetime = TimeSpan.FromMinutes(11) });

        Assert.That(() => new AppJwtFactory(options, TimeProvider.System), Throws.ArgumentException.With.Message.Contains("JwtLifetime"));
    }

    [Test]
    public void CreateToken_KeyFileNotPem_FailsWithClearErrorWithoutKeyMaterial()
    {
        var path = Path.GetTempFileName();
        try
        {
            File.WriteAllText(path, "not a key: ghs_secretsecretsecretsecret");
            using var factory = new AppJwtFactory(Options.Create(new GitHubAppOptions { AppId = 1, PrivateKeyPath = path }), TimeProvider.System);

            Assert.That(factory.CreateToken, Throws.InvalidOperationException
                .With.Message.EqualTo("GitHub App private key is not a valid RSA PEM.")
                .And.Message.Not.Contains("ghs_"));
        }
        finally
        {
            File.Delete(path);
        }
    }
}
