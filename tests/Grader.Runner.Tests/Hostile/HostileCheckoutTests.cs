using System.Security.Cryptography;
using Grader.Runner.Checkout;
using Grader.Runner.Tests.Checkout;
using Microsoft.Extensions.Logging.Abstractions;

namespace Grader.Runner.Tests.Hostile;

/// <summary>
/// Checkout bombs and link tricks pushed as real git objects (git mktree accepts what a hostile client can push),
/// fetched through the real checkout into a real mirror cache. Each is refused before anything is written (or its
/// links dropped), and afterwards a normal repository still checks out through the same checkout and cache.
/// </summary>
[TestFixture]
[Category("Hostile")]
[Category("Integration")]
public sealed class HostileCheckoutTests
{
    private string _root = null!;
    private string _mirrors = null!;

    [SetUp]
    public void SetUp()
    {
        _root = Directory.CreateTempSubdirectory("grader-hostile-checkout-").FullName;
        _mirrors = Path.Combine(_root, "mirrors");
    }

    [TearDown]
    public void TearDown() => Directory.Delete(_root, recursive: true);

    private GitSubmissionCheckout Checkout(CheckoutLimits? limits = null) => new(
        new CheckoutSettings(_mirrors, limits ?? new CheckoutLimits()),
        NullLogger<GitSubmissionCheckout>.Instance);

    private string Work(string name) => Directory.CreateDirectory(Path.Combine(_root, "work", name)).FullName;

    private TestGitRepository Repository(string name) => new(Path.Combine(_root, "origins", name));

    /// <summary>Refused before writing: the job folder holds nothing at all.</summary>
    private async Task<SubmissionRefusedException> AssertRefusedAsync(TestGitRepository origin, GitSubmissionCheckout? checkout = null)
    {
        var work = Work("bomb-" + Path.GetFileName(origin.Path));
        var refused = Assert.ThrowsAsync<SubmissionRefusedException>(() =>
            (checkout ?? Checkout()).CheckoutAsync(new RemoteRepositorySubmission(origin.FileUrl, Ref: "main"), work, CancellationToken.None));
        Assert.That(Directory.EnumerateFileSystemEntries(work), Is.Empty, "nothing may be written for a refused submission");
        await AssertHealthyAsync(checkout);
        return refused!;
    }

    /// <summary>A normal repository still checks out through the same cache afterwards.</summary>
    private async Task AssertHealthyAsync(GitSubmissionCheckout? checkout = null)
    {
        var normal = Repository("normal-" + Guid.NewGuid().ToString("n")[..6]);
        var sha = normal.Commit("normal", ("Dockerfile", "FROM scratch\n"), ("src/app.py", "print('ok')\n"));

        var result = await (checkout ?? Checkout()).CheckoutAsync(new RemoteRepositorySubmission(normal.FileUrl, CommitSha: sha), Work("normal-" + sha[..8]), CancellationToken.None);

        Assert.Multiple(() =>
        {
            Assert.That(result.CommitSha, Is.EqualTo(sha));
            Assert.That(File.ReadAllText(Path.Combine(result.Directory, "src", "app.py")), Is.EqualTo("print('ok')\n"));
        });
    }

    private static long FolderBytes(string folder) =>
        new DirectoryInfo(folder).EnumerateFiles("*", SearchOption.AllDirectories).Sum(f => f.Length);

    [Test]
    public async Task CheckoutAsync_TenMegabyteBlobReferenced300Times_RefusedBeforeWriting()
    {
        var origin = Repository("fanout");
        var blob = origin.Blob(new byte[10_000_000]);
        origin.CommitTree(origin.Tree(Enumerable.Range(0, 300).Select(i => TreeItem.File(blob, $"data{i:D3}.bin"))));
        Assert.That(FolderBytes(Path.Combine(origin.Path, ".git")), Is.LessThan(1_000_000), "the bomb is a small repository");

        var refused = await AssertRefusedAsync(origin);

        Assert.That(refused.Message, Does.StartWith("The submission's files add up to more than 500 MB"));
    }

    [Test]
    public async Task CheckoutAsync_TreesNestedHundredFoldFiveTimes_RefusedAtTheEntryLimit()
    {
        var origin = Repository("treefanout");
        var tree = origin.Tree([TreeItem.File(origin.Blob("x"), "leaf")]);
        for (var level = 0; level < 5; level++)
        {
            var inner = tree;
            tree = origin.Tree(Enumerable.Range(0, 100).Select(i => TreeItem.Folder(inner, $"d{i:D2}")));
        }
        origin.CommitTree(tree);

        var refused = await AssertRefusedAsync(origin);

        Assert.That(refused.Message, Does.StartWith("The submission has more than 50,000 files and folders"));
    }

    [Test]
    public async Task CheckoutAsync_TreeFiveHundredLevelsDeep_RefusedAtTheDepthLimit()
    {
        var origin = Repository("deep");
        var tree = origin.Tree([TreeItem.File(origin.Blob("x"), "leaf")]);
        for (var level = 0; level < 500; level++) tree = origin.Tree([TreeItem.Folder(tree, "d")]);
        origin.CommitTree(tree);

        var refused = await AssertRefusedAsync(origin);

        Assert.That(refused.Message, Does.Contain("is 65 levels deep; at most 64 levels are accepted"));
    }

    [Test]
    public async Task CheckoutAsync_SixtyThousandFilesInOneFolder_RefusedAtTheEntryLimit()
    {
        var origin = Repository("wide");
        var blob = origin.Blob("");
        origin.CommitTree(origin.Tree(Enumerable.Range(0, 60_000).Select(i => TreeItem.File(blob, $"f{i:D5}"))));

        var refused = await AssertRefusedAsync(origin);

        Assert.That(refused.Message, Does.StartWith("The submission has more than 50,000 files and folders"));
    }

    [Test]
    public async Task CheckoutAsync_LinkTricks_OnlyLinksThatStayInsideAreWritten()
    {
        var origin = Repository("links");
        origin.CommitTree(origin.Tree([
            TreeItem.File(origin.Blob("inside"), "a.txt"),
            TreeItem.Link(origin.Blob("."), "s"),
            TreeItem.Link(origin.Blob("s/s/s/../../.."), "u"),
            TreeItem.Link(origin.Blob("u/etc/passwd"), "via-u"),
            TreeItem.Link(origin.Blob("/etc/passwd"), "absolute"),
            TreeItem.Link(origin.Blob("chain2"), "chain1"),
            TreeItem.Link(origin.Blob("s/a.txt"), "chain2"),
            TreeItem.Link(origin.Blob("loop-b"), "loop-a"),
            TreeItem.Link(origin.Blob("loop-a"), "loop-b"),
        ]));

        var result = await Checkout().CheckoutAsync(new RemoteRepositorySubmission(origin.FileUrl, Ref: "main"), Work("links"), CancellationToken.None);

        var written = Directory.EnumerateFileSystemEntries(result.Directory).Select(Path.GetFileName).Order(StringComparer.Ordinal);
        Assert.Multiple(() =>
        {
            Assert.That(written, Is.EqualTo(new[] { "a.txt", "chain1", "chain2", "s" }));
            Assert.That(File.ReadAllText(Path.Combine(result.Directory, "chain1")), Is.EqualTo("inside"));
            Assert.That(result.Dropped, Has.Count.EqualTo(5));
            Assert.That(result.Dropped, Has.Some.EqualTo("link 'u' -> 's/s/s/../../..' left out: it leads outside the submission"));
            Assert.That(result.Dropped, Has.Some.EqualTo("link 'via-u' -> 'u/etc/passwd' left out: it leads outside the submission"));
        });
        await AssertHealthyAsync();
    }

    [Test]
    public async Task CheckoutAsync_FolderWithMoreEntriesThanTheLimit_RefusedAsTheLearnersFailure()
    {
        var folder = Directory.CreateDirectory(Path.Combine(_root, "folder")).FullName;
        for (var i = 0; i < 150; i++) File.WriteAllText(Path.Combine(folder, $"f{i:D3}.txt"), "x");

        var refused = Assert.ThrowsAsync<SubmissionRefusedException>(() =>
            Checkout(new CheckoutLimits { MaxEntries = 100 }).CheckoutAsync(new LocalFolderSubmission(folder), Work("folder"), CancellationToken.None));

        Assert.That(refused!.Message, Does.StartWith("The submission has more than 100 files and folders"));
        await AssertHealthyAsync();
    }

    [Test]
    public async Task CheckoutAsync_FolderWithLinksToItself_MeasuredWithoutFollowingThem()
    {
        var folder = Directory.CreateDirectory(Path.Combine(_root, "loops")).FullName;
        File.WriteAllText(Path.Combine(folder, "a.txt"), "a");
        foreach (var name in new[] { "a", "b", "c", "d" }) Directory.CreateSymbolicLink(Path.Combine(folder, name), ".");

        var result = await Checkout(new CheckoutLimits { MaxEntries = 10 }).CheckoutAsync(new LocalFolderSubmission(folder), Work("loops"), CancellationToken.None);

        Assert.That(result.Directory, Is.EqualTo(folder), "a folder is graded in place");
        await AssertHealthyAsync();
    }

    [Test]
    public async Task CheckoutAsync_FetchOverItsLimit_RefusedWhileDownloadingAndMirrorRemoved()
    {
        const string Token = "ghs_hostilefetch0123456789";
        var served = Directory.CreateDirectory(Path.Combine(_root, "served")).FullName;
        var big = Repository("big");
        big.Commit("weights", ("weights.bin", Convert.ToBase64String(RandomNumberGenerator.GetBytes(3_000_000))));
        TestGitRepository.Run(served, "clone", "-q", "--bare", big.Path, "big.git");
        await using var server = new GitHttpBackendServer(served, Token);
        var checkout = Checkout(new CheckoutLimits { MaxFetchBytes = 1_000_000 });
        var url = server.UrlFor("big.git");
        var work = Work("big");

        var refused = Assert.ThrowsAsync<SubmissionRefusedException>(() =>
            checkout.CheckoutAsync(new RemoteRepositorySubmission(url, Ref: "main", Token: Token), work, CancellationToken.None));

        Assert.Multiple(() =>
        {
            Assert.That(refused!.Message, Does.StartWith("The repository is larger than 1 MB, the most the grader downloads"));
            Assert.That(Directory.Exists(checkout.MirrorPathFor(url)), Is.False, "the partial mirror is removed");
            Assert.That(Directory.EnumerateFileSystemEntries(work), Is.Empty);
        });
        await AssertHealthyAsync(checkout);
    }

    [Test]
    public async Task CheckoutAsync_MirrorsOverTheCacheBound_LeastRecentlyUsedPruned()
    {
        var checkout = Checkout(new CheckoutLimits { MaxMirrorCacheBytes = 700_000 });
        var origins = new[] { "first", "second", "third" }.Select(name =>
        {
            var origin = Repository(name);
            origin.Commit(name, ("data.txt", Convert.ToBase64String(RandomNumberGenerator.GetBytes(300_000))));
            return origin;
        }).ToList();

        foreach (var origin in origins)
        {
            await checkout.CheckoutAsync(new RemoteRepositorySubmission(origin.FileUrl, Ref: "main"), Work(Path.GetFileName(origin.Path)), CancellationToken.None);
        }

        var mirrors = origins.Select(o => checkout.MirrorPathFor(o.FileUrl)).ToList();
        Assert.Multiple(() =>
        {
            Assert.That(Directory.Exists(mirrors[0]), Is.False, "the least recently used mirror is pruned");
            Assert.That(Directory.Exists(mirrors[1]), Is.True);
            Assert.That(Directory.Exists(mirrors[2]), Is.True, "the mirror just used is kept");
            Assert.That(mirrors.Where(Directory.Exists).Sum(FolderBytes), Is.LessThanOrEqualTo(700_000));
        });
        var again = await checkout.CheckoutAsync(new RemoteRepositorySubmission(origins[0].FileUrl, Ref: "main"), Work("first-again"), CancellationToken.None);
        Assert.That(again.FetchedObjects, Is.GreaterThan(0), "a pruned mirror is fetched afresh");
    }

    [Test]
    public async Task CheckoutAsync_MirrorOverThePerRepositoryBound_DeletedAfterTheCheckout()
    {
        var checkout = Checkout(new CheckoutLimits { MaxMirrorBytes = 100_000 });
        var origin = Repository("fat");
        origin.Commit("fat", ("data.txt", Convert.ToBase64String(RandomNumberGenerator.GetBytes(300_000))));

        var result = await checkout.CheckoutAsync(new RemoteRepositorySubmission(origin.FileUrl, Ref: "main"), Work("fat"), CancellationToken.None);

        Assert.Multiple(() =>
        {
            Assert.That(File.Exists(Path.Combine(result.Directory, "data.txt")), Is.True, "the checkout itself stands");
            Assert.That(Directory.Exists(checkout.MirrorPathFor(origin.FileUrl)), Is.False);
        });
        await AssertHealthyAsync(checkout);
    }
}
