using System.Formats.Tar;
using Grader.Runner.Docker;

namespace Grader.Runner.Tests.Docker;

public class SafeTarExtractorTests
{
    private string _root = null!;

    [SetUp]
    public void CreateDestination() => _root = Directory.CreateTempSubdirectory("grader-extract-").FullName;

    [TearDown]
    public void RemoveDestination() => Directory.Delete(_root, recursive: true);

    private static MemoryStream Archive(params TarEntry[] entries)
    {
        var buffer = new MemoryStream();
        using (var writer = new TarWriter(buffer, TarEntryFormat.Pax, leaveOpen: true))
        {
            foreach (var entry in entries) writer.WriteEntry(entry);
        }
        buffer.Position = 0;
        return buffer;
    }

    private static PaxTarEntry FileEntry(string name, string content) =>
        new(TarEntryType.RegularFile, name) { DataStream = new MemoryStream(System.Text.Encoding.UTF8.GetBytes(content)) };

    [Test]
    public async Task ExtractAsync_HostileEntries_WritesOnlySafeRegularFiles()
    {
        using var archive = Archive(
            FileEntry("results/junit.xml", "<testsuite/>"),
            FileEntry("../escape.txt", "x"),
            FileEntry("/etc/evil", "x"),
            new PaxTarEntry(TarEntryType.SymbolicLink, "results/link") { LinkName = "/etc/passwd" },
            new PaxTarEntry(TarEntryType.HardLink, "results/hard") { LinkName = "/etc/shadow" });

        var result = await SafeTarExtractor.ExtractAsync(archive, _root, 1 << 20, CancellationToken.None);

        Assert.Multiple(() =>
        {
            Assert.That(result.Files, Is.EqualTo(1));
            Assert.That(File.ReadAllText(Path.Combine(_root, "results", "junit.xml")), Is.EqualTo("<testsuite/>"));
            Assert.That(result.Skipped, Is.EquivalentTo(new[] { "../escape.txt", "/etc/evil", "results/link", "results/hard" }));
            Assert.That(File.Exists(Path.Combine(Path.GetDirectoryName(_root)!, "escape.txt")), Is.False);
            Assert.That(Path.Exists(Path.Combine(_root, "results", "link")), Is.False);
        });
    }

    [Test]
    public async Task ExtractAsync_OverSizeLimit_StopsWithError()
    {
        using var archive = Archive(FileEntry("a.xml", new string('a', 600)), FileEntry("b.xml", new string('b', 600)));

        var result = await SafeTarExtractor.ExtractAsync(archive, _root, 1000, CancellationToken.None);

        Assert.That(result.Error, Does.Contain("larger than"));
        Assert.That(File.Exists(Path.Combine(_root, "b.xml")), Is.False);
    }
}
