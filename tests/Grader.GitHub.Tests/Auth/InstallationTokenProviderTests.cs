using Grader.GitHub.Auth;
using Grader.GitHub.Tests.Support;
using Grader.Testing.GitHub;
using Octokit;

namespace Grader.GitHub.Tests.Auth;

public sealed class InstallationTokenProviderTests : PrismValidatedTest
{
    [Test]
    public async Task GetTokenAsync_CalledAgainBeforeExpiry_ReusesTheCachedToken()
    {
        await using var harness = GitHubClientHarness.Create(GitHub);
        var tokens = harness.Get<IInstallationTokenProvider>();

        var first = await tokens.GetTokenAsync(harness.Installation.Id, CancellationToken.None);
        harness.Time.Advance(TimeSpan.FromMinutes(50));
        var second = await tokens.GetTokenAsync(harness.Installation.Id, CancellationToken.None);

        Assert.Multiple(() =>
        {
            Assert.That(second.Token, Is.EqualTo(first.Token));
            Assert.That(harness.Emulator.IssuedTokens(harness.Installation), Is.EqualTo(new[] { first.Token }));
            Assert.That(first.ExpiresAt, Is.EqualTo(harness.Time.GetUtcNow().AddMinutes(10)).Within(TimeSpan.FromSeconds(1)));
        });
    }

    [Test]
    public async Task GetTokenAsync_WithinRefreshMarginOfExpiry_FetchesANewToken()
    {
        await using var harness = GitHubClientHarness.Create(GitHub);
        var tokens = harness.Get<IInstallationTokenProvider>();

        var first = await tokens.GetTokenAsync(harness.Installation.Id, CancellationToken.None);
        harness.Time.Advance(TimeSpan.FromMinutes(56));
        var second = await tokens.GetTokenAsync(harness.Installation.Id, CancellationToken.None);

        Assert.Multiple(() =>
        {
            Assert.That(second.Token, Is.Not.EqualTo(first.Token));
            Assert.That(harness.Emulator.IssuedTokens(harness.Installation), Is.EqualTo(new[] { first.Token, second.Token }));
        });
    }

    [Test]
    public async Task GetTokenAsync_ManyConcurrentCallers_ShareOneRefresh()
    {
        await using var harness = GitHubClientHarness.Create(GitHub);
        var tokens = harness.Get<IInstallationTokenProvider>();

        var all = await Task.WhenAll(Enumerable.Range(0, 16).Select(_ =>
            Task.Run(async () => await tokens.GetTokenAsync(harness.Installation.Id, CancellationToken.None))));

        Assert.Multiple(() =>
        {
            Assert.That(all.Select(t => t.Token).Distinct(), Has.Exactly(1).Items);
            Assert.That(harness.Emulator.IssuedTokens(harness.Installation), Has.Count.EqualTo(1));
        });
    }

    [Test]
    public async Task InstallationClient_AfterTheCachedTokenExpired_KeepsWorkingWithAFreshToken()
    {
        await using var harness = GitHubClientHarness.Create(GitHub);
        var client = harness.Get<Clients.IGitHubClientFactory>().CreateInstallationClient(harness.Installation.Id);

        var before = await client.PullRequest.Get(harness.Repository.Owner, harness.Repository.Name, harness.PullRequest.Number);
        harness.Time.Advance(TimeSpan.FromHours(2));
        var after = await client.PullRequest.Get(harness.Repository.Owner, harness.Repository.Name, harness.PullRequest.Number);

        Assert.Multiple(() =>
        {
            Assert.That(after.Head.Sha, Is.EqualTo(before.Head.Sha));
            Assert.That(harness.Emulator.IssuedTokens(harness.Installation), Has.Count.EqualTo(2));
        });
    }

    [Test]
    public async Task GetTokenAsync_JwtSignedWithAnotherKey_IsRefusedByGitHub()
    {
        using var otherKey = System.Security.Cryptography.RSA.Create(2048);
        await using var harness = GitHubClientHarness.Create(GitHub, configure: o => o.PrivateKeyPem = otherKey.ExportPkcs8PrivateKeyPem());
        var tokens = harness.Get<IInstallationTokenProvider>();

        Assert.That(async () => await tokens.GetTokenAsync(harness.Installation.Id, CancellationToken.None), Throws.InstanceOf<AuthorizationException>());
        Assert.That(harness.Emulator.IssuedTokens(harness.Installation), Is.Empty);
    }
}
