using Grader.Runner.Baselines;
using Microsoft.Extensions.Options;

namespace Grader.Runner.Tests.Baselines;

/// <summary>The file-based store of previous graded commits' results.</summary>
[TestFixture]
public sealed class FileBaselineStoreTests
{
    private TemporaryDirectory _temp = null!;
    private FileBaselineStore _store = null!;

    [SetUp]
    public void SetUp()
    {
        _temp = new TemporaryDirectory();
        _store = new FileBaselineStore(Options.Create(new BaselineStoreOptions { StateDirectory = _temp.Path }));
    }

    [TearDown]
    public void TearDown() => _temp.Dispose();

    [Test]
    public async Task SaveAsync_ThenLoad_RoundTripsEveryField()
    {
        var key = new BaselineKey("owner/repo", "MOD-527", "latency-slo");
        var saved = new BaselineFile
        {
            Check = "load", Metric = "p95_ms", Unit = "ms", Samples = [10.5, 11.25], Value = 11, Source = "abc",
            Repetitions = [new Dictionary<string, double> { ["p95_ms"] = 11 }],
            Created = new DateTimeOffset(2026, 11, 23, 9, 0, 0, TimeSpan.Zero),
        };

        await _store.SaveAsync(key, saved, CancellationToken.None);
        var loaded = await _store.LoadAsync(key, CancellationToken.None);

        Assert.That(loaded!.ToJson(), Is.EqualTo(saved.ToJson()));
    }

    [Test]
    public async Task LoadAsync_NothingSaved_Null()
    {
        Assert.That(await _store.LoadAsync(new BaselineKey("o/r", "M", "c"), CancellationToken.None), Is.Null);
    }

    [Test]
    public void PathFor_TraversalInKey_StaysInsideTheStateFolder()
    {
        var path = _store.PathFor(new BaselineKey("../../etc", "..", "../../passwd"));

        Assert.That(Path.GetFullPath(path), Does.StartWith(Path.Combine(_temp.Path, "baselines") + Path.DirectorySeparatorChar));
    }

    [Test]
    public void Parse_WrongFormatVersion_ThrowsInvalidData()
    {
        var error = Assert.Throws<InvalidDataException>(() => BaselineFile.Parse("""{"format":"other/2","check":"load","metric":"p95_ms","unit":"ms","samples":[1]}""", "x.json"));

        Assert.That(error!.Message, Does.Contain("other/2"));
    }
}
