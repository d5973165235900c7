using Grader.Runner.Checkout;

namespace Grader.Runner.Tests.Checkout;

[TestFixture]
public sealed class FolderWalkTests
{
    private string _root = null!;

    [SetUp]
    public void SetUp() => _root = Directory.CreateTempSubdirectory("grader-walk-").FullName;

    [TearDown]
    public void TearDown() => Directory.Delete(_root, recursive: true);

    private void Write(string relative, string content = "x")
    {
        var path = Path.Combine(_root, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, content);
    }

    private static TreeBudget Budget(int maxEntries = 1000, int maxDepth = 10) => new(new CheckoutLimits { MaxEntries = maxEntries, MaxDepth = maxDepth });

    [Test]
    public void Enumerate_Folder_DepthFirstInOrdinalOrderWithDepths()
    {
        Write("b.txt");
        Write("a/z.txt");
        Write("a/b/c.txt");
        Write("a.b");

        var entries = FolderWalk.Enumerate(_root, Budget()).Select(e => (e.RelativePath, e.Depth)).ToList();

        Assert.That(entries, Is.EqualTo(new[] { ("a", 1), ("a/b", 2), ("a/b/c.txt", 3), ("a/z.txt", 2), ("a.b", 1), ("b.txt", 1) }));
    }

    [Test]
    public void Enumerate_FourLinksToTheFolderItself_ReportedAndNeverFollowed()
    {
        Write("file.txt");
        foreach (var name in new[] { "a", "b", "c", "d" }) Directory.CreateSymbolicLink(Path.Combine(_root, name), ".");

        var entries = FolderWalk.Enumerate(_root, Budget()).ToList();

        Assert.Multiple(() =>
        {
            Assert.That(entries, Has.Count.EqualTo(5));
            Assert.That(entries.Where(e => e.Kind == UnixFileKind.SymbolicLink).Select(e => e.RelativePath), Is.EqualTo(new[] { "a", "b", "c", "d" }));
        });
    }

    [Test]
    public void Enumerate_MoreEntriesThanTheBudget_RefusedWhileListing()
    {
        for (var i = 0; i < 30; i++) Write($"f{i:D2}");

        var refused = Assert.Throws<SubmissionRefusedException>(() => FolderWalk.Enumerate(_root, Budget(maxEntries: 20)).ToList());

        Assert.That(refused!.Message, Does.StartWith("The submission has more than 20 files and folders"));
    }

    [Test]
    public void Enumerate_DeeperThanTheBudget_Refused()
    {
        Write("1/2/3/4/deep.txt");

        var refused = Assert.Throws<SubmissionRefusedException>(() => FolderWalk.Enumerate(_root, Budget(maxDepth: 4)).ToList());

        Assert.That(refused!.Message, Does.StartWith("'1/2/3/4/deep.txt' is 5 levels deep"));
    }

    [Test]
    public void Enumerate_DescendSaysNo_FolderListedButNotEntered()
    {
        Write("skip/inner.txt");
        Write("keep/inner.txt");

        var entries = FolderWalk.Enumerate(_root, Budget(), descend: e => e.RelativePath != "skip").Select(e => e.RelativePath).ToList();

        Assert.That(entries, Is.EqualTo(new[] { "keep", "keep/inner.txt", "skip" }));
    }
}
