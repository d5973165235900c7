using Grader.Rubrics.Model;
using Grader.Runner.Baselines;
using Microsoft.Extensions.Options;

namespace Grader.Runner.Tests.Baselines;

/// <summary>Finding a baseline (reference file next to the rubric, or the previous graded commit) and recording a run's results.</summary>
[TestFixture]
public sealed class BaselineProviderTests
{
    private TemporaryDirectory _temp = null!;
    private BaselineProvider _provider = null!;
    private FileBaselineStore _store = null!;

    [SetUp]
    public void SetUp()
    {
        _temp = new TemporaryDirectory();
        _store = new FileBaselineStore(Options.Create(new BaselineStoreOptions { StateDirectory = _temp.Combine("state") }));
        _provider = new BaselineProvider(_store);
    }

    [TearDown]
    public void TearDown() => _temp.Dispose();

    private static BaselineFile Sample(string source, params double[] samples) => new()
    {
        Check = "benchmark", Metric = "median", Unit = "s", Samples = samples, Value = samples.Average(), Source = source,
    };

    [Test]
    public async Task ResolveAsync_ReferencePath_ReadsTheFileRelativeToTheRubric()
    {
        var criterion = PerfContexts.Criterion(new LoadCheck { Path = "/x", Baseline = new BaselineSpec("baselines/ref.json") });
        var context = PerfContexts.Context(criterion, _temp.Combine("rubrics"), _temp.Combine("work"));
        await Sample("reference", 1, 2, 3).WriteAsync(_temp.Combine("rubrics", "baselines", "ref.json"), CancellationToken.None);

        var resolved = await _provider.ResolveAsync(new BaselineSpec("baselines/ref.json"), criterion, context, CancellationToken.None);

        Assert.That(resolved.Baseline!.Samples, Is.EqualTo(new[] { 1.0, 2.0, 3.0 }));
        Assert.That(resolved.Description, Does.Contain("baselines/ref.json"));
    }

    [Test]
    public void ResolveAsync_ReferenceFileMissing_ThrowsInvalidDataNamingIt()
    {
        var criterion = PerfContexts.Criterion(new LoadCheck { Path = "/x" });
        var context = PerfContexts.Context(criterion, _temp.Combine("rubrics"), _temp.Combine("work"));

        var error = Assert.ThrowsAsync<InvalidDataException>(() => _provider.ResolveAsync(new BaselineSpec("baselines/none.json"), criterion, context, CancellationToken.None));

        Assert.That(error!.Message, Does.Contain("baselines/none.json"));
    }

    [Test]
    public async Task ResolveAsync_MalformedReferenceFile_ThrowsInvalidData()
    {
        var criterion = PerfContexts.Criterion(new LoadCheck { Path = "/x" });
        var context = PerfContexts.Context(criterion, _temp.Path, _temp.Combine("work"));
        await File.WriteAllTextAsync(_temp.Combine("bad.json"), "{\"format\": \"grader-baseline/1\", \"samples\": ");

        Assert.ThrowsAsync<InvalidDataException>(() => _provider.ResolveAsync(new BaselineSpec("bad.json"), criterion, context, CancellationToken.None));
    }

    [Test]
    public async Task RecordAsync_PreviousCommitSpec_NextResolveReturnsThisRun()
    {
        var spec = new BaselineSpec(null);
        var criterion = PerfContexts.Criterion(new LoadCheck { Path = "/x", Baseline = spec });
        var first = PerfContexts.Context(criterion, _temp.Path, _temp.Combine("work1"), repository: "learner/mod-523", commit: "aaa111");
        var second = PerfContexts.Context(criterion, _temp.Path, _temp.Combine("work2"), repository: "learner/mod-523", commit: "bbb222");

        var none = await _provider.ResolveAsync(spec, criterion, first, CancellationToken.None);
        var workCopy = await _provider.RecordAsync(Sample("aaa111", 4, 5, 6), criterion, spec, first, CancellationToken.None);
        var previous = await _provider.ResolveAsync(spec, criterion, second, CancellationToken.None);

        Assert.That(none.Baseline, Is.Null);
        Assert.That(File.Exists(workCopy), Is.True);
        Assert.That(previous.Baseline!.Samples, Is.EqualTo(new[] { 4.0, 5.0, 6.0 }));
        Assert.That(previous.Description, Does.Contain("aaa111"));
    }

    [Test]
    public async Task RecordAsync_ReferenceSpec_WritesOnlyTheWorkCopy()
    {
        var spec = new BaselineSpec("ref.json");
        var criterion = PerfContexts.Criterion(new LoadCheck { Path = "/x", Baseline = spec });
        var context = PerfContexts.Context(criterion, _temp.Path, _temp.Combine("work"), repository: "learner/repo");

        var workCopy = await _provider.RecordAsync(Sample("x", 1, 2), criterion, spec, context, CancellationToken.None);

        Assert.That(workCopy, Is.EqualTo(_temp.Combine("work", "baselines", "perf.json")));
        Assert.That(await _store.LoadAsync(new BaselineKey("learner/repo", "MOD-523", "perf"), CancellationToken.None), Is.Null);
    }
}
