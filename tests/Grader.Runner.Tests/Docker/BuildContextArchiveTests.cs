using System.Diagnostics;
using System.Formats.Tar;
using Grader.Runner.Docker;

namespace Grader.Runner.Tests.Docker;

public class BuildContextArchiveTests
{
    private string _root = null!;

    [SetUp]
    public void CreateContext() => _root = Directory.CreateTempSubdirectory("grader-context-").FullName;

    [TearDown]
    public void RemoveContext() => Directory.Delete(_root, recursive: true);

    private async Task<List<TarEntry>> ArchiveAsync(long max = 1 << 20)
    {
        using var buffer = new MemoryStream();
        await BuildContextArchive.WriteAsync(_root, "Dockerfile", buffer, max, CancellationToken.None);
        buffer.Position = 0;
        var entries = new List<TarEntry>();
        await using var reader = new TarReader(buffer);
        while (await reader.GetNextEntryAsync(copyData: true) is { } entry) entries.Add(entry);
        return entries;
    }

    [Test]
    public async Task WriteAsync_DockerIgnore_ExcludesMatchesButAlwaysSendsDockerfileAndIgnoreFile()
    {
        File.WriteAllText(Path.Combine(_root, "Dockerfile"), "FROM scratch\n");
        File.WriteAllText(Path.Combine(_root, ".dockerignore"), "Dockerfile\n.dockerignore\ndata\n*.bin\n!keep.bin\n");
        Directory.CreateDirectory(Path.Combine(_root, "data"));
        File.WriteAllText(Path.Combine(_root, "data", "big.csv"), "x");
        File.WriteAllText(Path.Combine(_root, "a.bin"), "x");
        File.WriteAllText(Path.Combine(_root, "keep.bin"), "x");
        File.WriteAllText(Path.Combine(_root, "app.py"), "print(1)");

        var names = (await ArchiveAsync()).Select(e => e.Name).ToList();

        Assert.That(names, Is.EqualTo(new[] { ".dockerignore", "Dockerfile", "app.py", "keep.bin" }));
    }

    [Test]
    public async Task WriteAsync_SymlinkToHostFile_ArchivedAsLinkWithoutContent()
    {
        File.WriteAllText(Path.Combine(_root, "Dockerfile"), "FROM scratch\n");
        File.CreateSymbolicLink(Path.Combine(_root, "passwd"), "/etc/passwd");

        var link = (await ArchiveAsync()).Single(e => e.Name == "passwd");

        Assert.Multiple(() =>
        {
            Assert.That(link.EntryType, Is.EqualTo(TarEntryType.SymbolicLink));
            Assert.That(link.LinkName, Is.EqualTo("/etc/passwd"));
            Assert.That(link.DataStream, Is.Null);
        });
    }

    [Test]
    public async Task WriteAsync_Fifo_IsSkippedWithoutBlocking()
    {
        File.WriteAllText(Path.Combine(_root, "Dockerfile"), "FROM scratch\n");
        using (var mkfifo = Process.Start("mkfifo", Path.Combine(_root, "pipe"))) await mkfifo.WaitForExitAsync();

        var names = (await ArchiveAsync()).Select(e => e.Name);

        Assert.That(names, Is.EqualTo(new[] { "Dockerfile" }));
    }

    [Test]
    public void WriteAsync_ContextOverLimit_RefusedWithLearnerMessage()
    {
        File.WriteAllText(Path.Combine(_root, "Dockerfile"), "FROM scratch\n");
        File.WriteAllBytes(Path.Combine(_root, "weights.bin"), new byte[4096]);

        var error = Assert.ThrowsAsync<BuildContextTooLargeException>(() => ArchiveAsync(max: 1024));

        Assert.That(error!.Message, Does.Contain(".dockerignore").And.Contain("larger than"));
    }

    [Test]
    public async Task WriteAsync_SameFiles_GivesIdenticalArchives()
    {
        File.WriteAllText(Path.Combine(_root, "Dockerfile"), "FROM scratch\n");
        File.WriteAllText(Path.Combine(_root, "b.txt"), "b");
        File.WriteAllText(Path.Combine(_root, "a.txt"), "a");
        using var first = new MemoryStream();
        using var second = new MemoryStream();
        await BuildContextArchive.WriteAsync(_root, "Dockerfile", first, 1 << 20, CancellationToken.None);
        File.SetLastWriteTimeUtc(Path.Combine(_root, "a.txt"), DateTime.UtcNow.AddHours(-3));
        await BuildContextArchive.WriteAsync(_root, "Dockerfile", second, 1 << 20, CancellationToken.None);

        Assert.That(second.ToArray(), Is.EqualTo(first.ToArray()));
    }
}
