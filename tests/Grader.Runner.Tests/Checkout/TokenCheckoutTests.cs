using Grader.Runner.Checkout;
using Microsoft.Extensions.Logging.Abstractions;

namespace Grader.Runner.Tests.Checkout;

/// <summary>Cloning over real smart HTTP (git http-backend) with a GitHub-style access token.</summary>
[TestFixture]
public sealed class TokenCheckoutTests
{
    private const string Token = "ghs_testtoken0123456789abcdefABCDEF";
    private string _root = null!;
    private string _mirrors = null!;
    private GitSubmissionCheckout _checkout = null!;
    private GitHttpBackendServer _server = null!;
    private string _sha = null!;

    [SetUp]
    public void SetUp()
    {
        _root = Path.Combine(Path.GetTempPath(), "grader-token-" + Guid.NewGuid().ToString("n"));
        _mirrors = Path.Combine(_root, "mirrors");
        var projects = Directory.CreateDirectory(Path.Combine(_root, "served")).FullName;
        var work = new TestGitRepository(Path.Combine(_root, "work-repo"));
        _sha = work.Commit("first", ("Dockerfile", "FROM scratch\n"), ("src/app.py", "x = 1\n"));
        TestGitRepository.Run(projects, "clone", "-q", "--bare", work.Path, "lab.git");
        _server = new GitHttpBackendServer(projects, Token);
        _checkout = new GitSubmissionCheckout(new CheckoutSettings(_mirrors, new CheckoutLimits()), NullLogger<GitSubmissionCheckout>.Instance);
    }

    [TearDown]
    public async Task TearDown()
    {
        await _server.DisposeAsync();
        Directory.Delete(_root, recursive: true);
    }

    private string Work(string name) => Directory.CreateDirectory(Path.Combine(_root, "jobs", name)).FullName;

    [Test]
    public async Task CheckoutAsync_HttpWithToken_ClonesWithBasicAuthAndStoresTheTokenNowhere()
    {
        var source = new RemoteRepositorySubmission(_server.UrlFor("lab.git"), Ref: "main", CommitSha: _sha, Token: Token);

        var result = await _checkout.CheckoutAsync(source, Work("a"), CancellationToken.None);

        Assert.Multiple(() =>
        {
            Assert.That(result.CommitSha, Is.EqualTo(_sha));
            Assert.That(File.ReadAllText(Path.Combine(result.Directory, "src", "app.py")), Is.EqualTo("x = 1\n"));
            Assert.That(_server.AuthorizedRequests, Is.GreaterThan(0));
            Assert.That(FilesContaining(_root, Token), Is.Empty, "the token must not be written to disk (mirror config, submission)");
            Assert.That(source.ToString(), Does.Not.Contain(Token));
            Assert.That(source.Describe(), Does.Not.Contain(Token));
        });
    }

    [Test]
    public async Task CheckoutAsync_HttpSecondFetchOfUnchangedRepository_TransfersNothingNew()
    {
        var source = new RemoteRepositorySubmission(_server.UrlFor("lab.git"), Ref: "main", Token: Token);
        var first = await _checkout.CheckoutAsync(source, Work("a"), CancellationToken.None);

        var second = await _checkout.CheckoutAsync(source, Work("b"), CancellationToken.None);

        Assert.Multiple(() =>
        {
            Assert.That(first.FetchedObjects, Is.GreaterThan(0));
            Assert.That(second.Fetched, Is.True);
            Assert.That(second.FetchedObjects, Is.Zero);
            Assert.That(second.CommitSha, Is.EqualTo(_sha));
        });
    }

    [Test]
    public void CheckoutAsync_HttpWithWrongToken_FailsWithAMessageWithoutAnyToken()
    {
        const string wrong = "ghs_wrongtoken_should_not_leak_42";
        var source = new RemoteRepositorySubmission(_server.UrlFor("lab.git"), Ref: "main", Token: wrong);

        var ex = Assert.ThrowsAsync<GraderInfrastructureException>(() => _checkout.CheckoutAsync(source, Work("a"), CancellationToken.None));

        Assert.Multiple(() =>
        {
            Assert.That(ex!.ToString(), Does.Not.Contain(wrong));
            Assert.That(ex.Message, Does.Contain("127.0.0.1"));
            Assert.That(FilesContaining(_root, wrong), Is.Empty);
        });
    }

    [Test]
    public async Task CheckoutAsync_TokenInCloneUrl_IsUsedAsCredentialAndKeptOutOfTheMirror()
    {
        var url = new UriBuilder(_server.UrlFor("lab.git")) { UserName = "x-access-token", Password = Token }.Uri;

        var result = await _checkout.CheckoutAsync(new RemoteRepositorySubmission(url, Ref: "main"), Work("a"), CancellationToken.None);

        Assert.Multiple(() =>
        {
            Assert.That(result.CommitSha, Is.EqualTo(_sha));
            Assert.That(FilesContaining(_mirrors, Token), Is.Empty);
        });
    }

    private static List<string> FilesContaining(string folder, string text) =>
        Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories)
            .Where(f => !new FileInfo(f).Attributes.HasFlag(FileAttributes.ReparsePoint))
            .Where(f => File.ReadAllText(f).Contains(text, StringComparison.Ordinal))
            .ToList();
}
