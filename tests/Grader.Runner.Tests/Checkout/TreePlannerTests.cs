using Grader.Runner.Checkout;
using LibGit2Sharp;

namespace Grader.Runner.Tests.Checkout;

/// <summary>Plans of crafted trees (git mktree) measured in memory against the checkout limits.</summary>
[TestFixture]
public sealed class TreePlannerTests
{
    private string _root = null!;
    private TestGitRepository _git = null!;

    [SetUp]
    public void SetUp()
    {
        _root = Directory.CreateTempSubdirectory("grader-plan-").FullName;
        _git = new TestGitRepository(Path.Combine(_root, "repo"));
    }

    [TearDown]
    public void TearDown() => Directory.Delete(_root, recursive: true);

    private TreePlan Plan(string tree, CheckoutLimits? limits = null)
    {
        using var repository = new Repository(_git.Path);
        return TreePlanner.Plan(repository, repository.Lookup<Tree>(tree), limits ?? new CheckoutLimits(), CancellationToken.None);
    }

    private SubmissionRefusedException Refused(string tree, CheckoutLimits? limits = null) =>
        Assert.Throws<SubmissionRefusedException>(() => Plan(tree, limits))!;

    [Test]
    public void Plan_BlobReferencedManyTimes_CountsEveryReference()
    {
        var blob = _git.Blob(new byte[1000]);
        var tree = _git.Tree(Enumerable.Range(0, 50).Select(i => TreeItem.File(blob, $"copy{i:D2}.bin")));

        var plan = Plan(tree);

        Assert.Multiple(() =>
        {
            Assert.That(plan.TotalBytes, Is.EqualTo(50_000));
            Assert.That(plan.LargestFileBytes, Is.EqualTo(1000));
            Assert.That(plan.EntryCount, Is.EqualTo(50));
            Assert.That(plan.Entries, Has.Count.EqualTo(50));
        });
    }

    [Test]
    public void Plan_ReferencesAddingUpPastTotal_RefusedNamingTheLimit()
    {
        var blob = _git.Blob(new byte[1000]);
        var tree = _git.Tree(Enumerable.Range(0, 11).Select(i => TreeItem.File(blob, $"copy{i:D2}.bin")));

        var refused = Refused(tree, new CheckoutLimits { MaxTotalBytes = 10_000 });

        Assert.That(refused.Message, Does.Contain("add up to more than 10 kB").And.Contain("counts each time"));
    }

    [Test]
    public void Plan_FileOverMaxFileBytes_RefusedNamingTheFile()
    {
        var tree = _git.Tree([TreeItem.File(_git.Blob(new byte[3000]), "weights.bin")]);

        var refused = Refused(tree, new CheckoutLimits { MaxFileBytes = 2000 });

        Assert.That(refused.Message, Does.StartWith("'weights.bin' is 3 kB; files larger than 2 kB are refused"));
    }

    [Test]
    public void Plan_MoreEntriesThanTheLimit_Refused()
    {
        var blob = _git.Blob("x");
        var tree = _git.Tree(Enumerable.Range(0, 101).Select(i => TreeItem.File(blob, $"f{i:D3}")));

        var refused = Refused(tree, new CheckoutLimits { MaxEntries = 100 });

        Assert.That(refused.Message, Does.StartWith("The submission has more than 100 files and folders"));
    }

    [Test]
    public void Plan_NestedDeeperThanTheLimit_RefusedNamingThePath()
    {
        var tree = _git.Tree([TreeItem.File(_git.Blob("x"), "leaf.txt")]);
        for (var i = 0; i < 5; i++) tree = _git.Tree([TreeItem.Folder(tree, "d")]);

        Assert.Multiple(() =>
        {
            Assert.That(Plan(tree, new CheckoutLimits { MaxDepth = 6 }).Entries, Has.Count.EqualTo(6));
            Assert.That(Refused(tree, new CheckoutLimits { MaxDepth = 5 }).Message, Does.StartWith("'d/d/d/d/d/leaf.txt' is 6 levels deep; at most 5"));
        });
    }

    [Test]
    public void Plan_PathLongerThanTheLimit_Refused()
    {
        var tree = _git.Tree([TreeItem.File(_git.Blob("x"), new string('n', 200))]);
        tree = _git.Tree([TreeItem.Folder(tree, new string('m', 200))]);

        var refused = Refused(tree, new CheckoutLimits { MaxPathBytes = 300 });

        Assert.That(refused.Message, Does.Contain("401 bytes long; at most 300"));
    }

    [Test]
    public void Plan_NameLongerThanAFileSystemAccepts_Refused()
    {
        var tree = _git.Tree([TreeItem.File(_git.Blob("x"), new string('n', 256))]);

        Assert.That(Refused(tree).Message, Does.Contain("longer than 255 bytes"));
    }

    [Test]
    public void Plan_LinksLeavingOrLooping_DroppedAndExplained()
    {
        var tree = _git.Tree([
            TreeItem.File(_git.Blob("a"), "a.txt"),
            TreeItem.Link(_git.Blob("."), "s"),
            TreeItem.Link(_git.Blob("s/s/s/../../.."), "u"),
            TreeItem.Link(_git.Blob("/etc/passwd"), "passwd"),
            TreeItem.Link(_git.Blob("loop2"), "loop1"),
            TreeItem.Link(_git.Blob("loop1"), "loop2"),
            TreeItem.Link(_git.Blob("s/a.txt"), "inside"),
        ]);

        var plan = Plan(tree);

        Assert.Multiple(() =>
        {
            Assert.That(plan.Entries.Where(e => e.Kind == PlannedKind.Link).Select(e => e.Path), Is.EquivalentTo(new[] { "s", "inside" }));
            Assert.That(plan.Dropped, Has.Some.EqualTo("link 'u' -> 's/s/s/../../..' left out: it leads outside the submission"));
            Assert.That(plan.Dropped, Has.Some.EqualTo("link 'passwd' -> '/etc/passwd' left out: it is an absolute path"));
            Assert.That(plan.Dropped.Count(d => d.Contains("it loops", StringComparison.Ordinal)), Is.EqualTo(2));
        });
    }

    [Test]
    public void Plan_DotGitFolderInTheTree_LeftOut()
    {
        var config = _git.Tree([TreeItem.File(_git.Blob("[core]\n"), "config")]);
        var tree = _git.Tree([TreeItem.Folder(config, ".GIT"), TreeItem.File(_git.Blob("a"), "a.txt")]);

        var plan = Plan(tree);

        Assert.Multiple(() =>
        {
            Assert.That(plan.Entries.Select(e => e.Path), Is.EqualTo(new[] { "a.txt" }));
            Assert.That(plan.Dropped.Single(), Does.Contain(".GIT"));
        });
    }
}
