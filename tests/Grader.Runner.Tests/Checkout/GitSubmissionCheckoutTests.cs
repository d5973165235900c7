using Grader.Runner.Checkout;
using Microsoft.Extensions.Logging.Abstractions;

namespace Grader.Runner.Tests.Checkout;

[TestFixture]
public sealed class GitSubmissionCheckoutTests
{
    private string _root = null!;
    private GitSubmissionCheckout _checkout = null!;
    private string _mirrors = null!;

    [SetUp]
    public void SetUp()
    {
        _root = Path.Combine(Path.GetTempPath(), "grader-checkout-" + Guid.NewGuid().ToString("n"));
        _mirrors = Path.Combine(_root, "mirrors");
        _checkout = new GitSubmissionCheckout(
            new CheckoutSettings(_mirrors, new CheckoutLimits()),
            NullLogger<GitSubmissionCheckout>.Instance);
    }

    [TearDown]
    public void TearDown() => Directory.Delete(_root, recursive: true);

    private string Work(string name) => Directory.CreateDirectory(Path.Combine(_root, "work", name)).FullName;

    [Test]
    public async Task CheckoutAsync_FileUrlAtBranch_WritesTheCommitsFilesWithoutGitFolder()
    {
        var repo = new TestGitRepository(Path.Combine(_root, "origin"));
        var sha = repo.Commit("first", ("Dockerfile", "FROM scratch\n"), ("app/main.py", "print(1)\n"));

        var result = await _checkout.CheckoutAsync(new RemoteRepositorySubmission(repo.FileUrl, Ref: "main"), Work("a"), CancellationToken.None);

        Assert.Multiple(() =>
        {
            Assert.That(result.CommitSha, Is.EqualTo(sha));
            Assert.That(File.ReadAllText(Path.Combine(result.Directory, "app", "main.py")), Is.EqualTo("print(1)\n"));
            Assert.That(Directory.Exists(Path.Combine(result.Directory, ".git")), Is.False);
            Assert.That(result.FetchedObjects, Is.GreaterThan(0));
        });
    }

    [Test]
    public async Task CheckoutAsync_SecondFetchOfUnchangedRepository_ReceivesNoObjects()
    {
        var repo = new TestGitRepository(Path.Combine(_root, "origin"));
        repo.Commit("first", ("a.txt", "a"));
        var source = new RemoteRepositorySubmission(repo.FileUrl, Ref: "main");

        var first = await _checkout.CheckoutAsync(source, Work("a"), CancellationToken.None);
        var second = await _checkout.CheckoutAsync(source, Work("b"), CancellationToken.None);

        Assert.Multiple(() =>
        {
            Assert.That(first.FetchedObjects, Is.GreaterThan(0));
            Assert.That(second.Fetched, Is.True);
            Assert.That(second.FetchedObjects, Is.Zero);
            Assert.That(second.CommitSha, Is.EqualTo(first.CommitSha));
        });
    }

    [Test]
    public async Task CheckoutAsync_NewCommitPushed_FetchesOnlyTheNewObjects()
    {
        var repo = new TestGitRepository(Path.Combine(_root, "origin"));
        repo.Commit("first", ("a.txt", "a"), ("b.txt", "b"), ("c/d.txt", "d"));
        var source = new RemoteRepositorySubmission(repo.FileUrl, Ref: "main");
        var first = await _checkout.CheckoutAsync(source, Work("a"), CancellationToken.None);
        var newSha = repo.Commit("second", ("a.txt", "changed"));

        var second = await _checkout.CheckoutAsync(source with { CommitSha = newSha }, Work("b"), CancellationToken.None);

        Assert.Multiple(() =>
        {
            Assert.That(second.CommitSha, Is.EqualTo(newSha));
            // commit + root tree + the changed blob: three objects, fewer than the first clone's.
            Assert.That(second.FetchedObjects, Is.EqualTo(3));
            Assert.That(second.FetchedObjects, Is.LessThan(first.FetchedObjects));
            Assert.That(File.ReadAllText(Path.Combine(second.Directory, "a.txt")), Is.EqualTo("changed"));
        });
    }

    [Test]
    public async Task CheckoutAsync_CommitAlreadyMirrored_DoesNotContactTheRemote()
    {
        var repo = new TestGitRepository(Path.Combine(_root, "origin"));
        var sha = repo.Commit("first", ("a.txt", "a"));
        var source = new RemoteRepositorySubmission(repo.FileUrl, CommitSha: sha);
        await _checkout.CheckoutAsync(source, Work("a"), CancellationToken.None);
        Directory.Delete(repo.Path, recursive: true);

        var again = await _checkout.CheckoutAsync(source, Work("b"), CancellationToken.None);

        Assert.Multiple(() =>
        {
            Assert.That(again.Fetched, Is.False);
            Assert.That(again.CommitSha, Is.EqualTo(sha));
        });
    }

    [Test]
    public async Task CheckoutAsync_OlderCommitSha_ChecksOutThatCommitNotTheBranchTip()
    {
        var repo = new TestGitRepository(Path.Combine(_root, "origin"));
        var old = repo.Commit("first", ("a.txt", "old"));
        repo.Commit("second", ("a.txt", "new"));

        var result = await _checkout.CheckoutAsync(new RemoteRepositorySubmission(repo.FileUrl, Ref: "main", CommitSha: old[..12]), Work("a"), CancellationToken.None);

        Assert.Multiple(() =>
        {
            Assert.That(result.CommitSha, Is.EqualTo(old));
            Assert.That(File.ReadAllText(Path.Combine(result.Directory, "a.txt")), Is.EqualTo("old"));
        });
    }

    [Test]
    public void CheckoutAsync_UnknownCommitSha_ThrowsInfrastructureErrorNamingTheCommit()
    {
        var repo = new TestGitRepository(Path.Combine(_root, "origin"));
        repo.Commit("first", ("a.txt", "a"));
        const string missing = "0123456789abcdef0123456789abcdef01234567";

        var ex = Assert.ThrowsAsync<GraderInfrastructureException>(() =>
            _checkout.CheckoutAsync(new RemoteRepositorySubmission(repo.FileUrl, Ref: "main", CommitSha: missing), Work("a"), CancellationToken.None));

        Assert.That(ex!.Message, Does.Contain(missing));
    }

    [Test]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public async Task CheckoutAsync_LocalRepositoryAtTag_ExportsExecutableBits()
    {
        var repo = new TestGitRepository(Path.Combine(_root, "local"));
        File.WriteAllText(Path.Combine(repo.Path, "run.sh"), "#!/bin/sh\necho hi\n");
        File.SetUnixFileMode(Path.Combine(repo.Path, "run.sh"), UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var sha = repo.Commit("exec", ("b.txt", "b"));
        repo.Git("tag", "v1");

        var result = await _checkout.CheckoutAsync(new LocalRepositorySubmission(repo.Path, "v1"), Work("a"), CancellationToken.None);

        Assert.Multiple(() =>
        {
            Assert.That(result.CommitSha, Is.EqualTo(sha));
            Assert.That(File.GetUnixFileMode(Path.Combine(result.Directory, "run.sh")) & UnixFileMode.UserExecute, Is.EqualTo(UnixFileMode.UserExecute));
        });
    }

    [Test]
    public async Task CheckoutAsync_SymlinkPointingOutsideTheSubmission_IsNotWritten()
    {
        var repo = new TestGitRepository(Path.Combine(_root, "local"));
        File.CreateSymbolicLink(Path.Combine(repo.Path, "passwd"), "/etc/passwd");
        File.CreateSymbolicLink(Path.Combine(repo.Path, "inside"), "a.txt");
        repo.Commit("links", ("a.txt", "a"));

        var result = await _checkout.CheckoutAsync(new LocalRepositorySubmission(repo.Path), Work("a"), CancellationToken.None);

        Assert.Multiple(() =>
        {
            Assert.That(File.Exists(Path.Combine(result.Directory, "passwd")), Is.False);
            Assert.That(File.ReadAllText(Path.Combine(result.Directory, "inside")), Is.EqualTo("a"));
        });
    }

    [Test]
    public async Task CheckoutAsync_FileUrlOverTheFetchLimit_RefusedAndHealthyAfterwards()
    {
        var repo = new TestGitRepository(Path.Combine(_root, "origin"));
        repo.Commit("big", ("data.txt", Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(2_000_000))));
        var limited = new GitSubmissionCheckout(
            new CheckoutSettings(_mirrors, new CheckoutLimits { MaxFetchBytes = 500_000 }),
            NullLogger<GitSubmissionCheckout>.Instance);

        var refused = Assert.ThrowsAsync<SubmissionRefusedException>(() =>
            limited.CheckoutAsync(new RemoteRepositorySubmission(repo.FileUrl, Ref: "main"), Work("a"), CancellationToken.None));

        Assert.That(refused!.Message, Does.StartWith("The repository is larger than 500 kB"));
        var small = new TestGitRepository(Path.Combine(_root, "small"));
        var sha = small.Commit("small", ("a.txt", "a"));
        var result = await limited.CheckoutAsync(new RemoteRepositorySubmission(small.FileUrl, Ref: "main"), Work("b"), CancellationToken.None);
        Assert.That(result.CommitSha, Is.EqualTo(sha));
    }
}
