using Grader.Rubrics.Model;
using Grader.Rubrics.Results;
using Grader.Runner.Baselines;
using Grader.Runner.Benchmarks;
using Grader.Runner.Checks;
using Grader.Runner.Docker;
using Grader.Runner.Statistics;
using Grader.Runner.Tests.Docker;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Grader.Runner.Tests.Benchmarks;

/// <summary>The benchmark check with the real Docker engine: the command runs in a sandboxed busybox container.</summary>
[TestFixture]
public sealed class BenchmarkExecutorTests : DockerTestBase
{
    private const string Samples12Ms = """{"benchmarks": [{"name": "predict_batch", "unit": "ms", "samples": [12.1, 11.9, 12.3, 12.0, 12.2]}]}""";

    private BenchmarkExecutor _executor = null!;
    private string _rubricDirectory = null!;

    [SetUp]
    public void SetUp()
    {
        _rubricDirectory = Directory.CreateDirectory(Path.Combine(Scratch, "rubric-" + Guid.NewGuid().ToString("N")[..8])).FullName;
        var store = new FileBaselineStore(Options.Create(new BaselineStoreOptions { StateDirectory = Path.Combine(_rubricDirectory, "state") }));
        _executor = new BenchmarkExecutor(Sandbox, new BaselineProvider(store), new RegressionDetector(), Options.Create(new BenchmarkOptions()), NullLogger<BenchmarkExecutor>.Instance);
    }

    private static BenchmarkCheck Check(string script, string? output = "/grader/out/bench.json", int repetitions = 1, double? threshold = null, BaselineSpec? baseline = null) => new()
    {
        Command = ["sh", "-c", script],
        Format = BenchmarkFormat.Generic,
        Output = output,
        Benchmark = "predict_batch",
        Repetitions = repetitions,
        Threshold = threshold,
        Baseline = baseline,
        Timeout = TimeSpan.FromSeconds(30),
    };

    private async Task<(Criterion, GradingContext)> ContextAsync(BenchmarkCheck check)
    {
        var criterion = Grader.Runner.Tests.TestRubrics.Criterion(check, "bench");
        var context = new GradingContext
        {
            JobId = "job",
            RunnerId = RunnerId,
            Rubric = Grader.Runner.Tests.TestRubrics.With(check, SmallLimits(), _rubricDirectory) with { Criteria = [criterion] },
            SubmissionDirectory = _rubricDirectory,
            WorkDirectory = Directory.CreateDirectory(Path.Combine(Scratch, "work-" + Guid.NewGuid().ToString("N")[..8])).FullName,
        };
        context.Image = await Inspector.InspectAsync(BaseImages.Busybox, CancellationToken.None);
        return (criterion, context);
    }

    [Test]
    public async Task ExecuteAsync_JsonFileWrittenEachRun_PassedWithMedianOfPooledSamples()
    {
        var (criterion, context) = await ContextAsync(Check($"echo '{Samples12Ms}' > /grader/out/bench.json", repetitions: 2, threshold: 0.015));

        var result = await _executor.ExecuteAsync(criterion, context, CancellationToken.None);

        Assert.That(result.Status, Is.EqualTo(CheckStatus.Passed), result.Message);
        Assert.That(result.Measure, Is.EqualTo(0.0121).Within(1e-9));
        Assert.That(result.Values["value"], Is.EqualTo("12.1 ms"));
        Assert.That(result.Values["runs"], Is.EqualTo("2"));
        Assert.That(result.Values["verdict"], Is.EqualTo("no baseline"));
    }

    [Test]
    public async Task ExecuteAsync_JsonOnStdoutAmongLogLines_Parsed()
    {
        var (criterion, context) = await ContextAsync(Check($"echo 'warming up'; echo '{Samples12Ms}'; echo done", output: null));

        var result = await _executor.ExecuteAsync(criterion, context, CancellationToken.None);

        Assert.That(result.Status, Is.EqualTo(CheckStatus.Passed), result.Message);
        Assert.That(result.Measure, Is.EqualTo(0.0121).Within(1e-9));
    }

    [Test]
    public async Task ExecuteAsync_OverTheThreshold_FailedNamingIt()
    {
        var (criterion, context) = await ContextAsync(Check($"echo '{Samples12Ms}' > /grader/out/bench.json", threshold: 0.010));

        var result = await _executor.ExecuteAsync(criterion, context, CancellationToken.None);

        Assert.That(result.Status, Is.EqualTo(CheckStatus.Failed));
        Assert.That(result.Message, Does.Contain("over the threshold 10.0 ms"));
    }

    [Test]
    public async Task ExecuteAsync_TwentyPercentSlowerThanReferenceBaseline_FailedAsRegressed()
    {
        // The reference's output in the generic format is itself a usable baseline file.
        await File.WriteAllTextAsync(Path.Combine(_rubricDirectory, "ref.json"),
            """{"source": "reference", "benchmarks": [{"name": "predict_batch", "unit": "s", "samples": [0.0100, 0.0101, 0.0099, 0.0102, 0.0100, 0.0098, 0.0101]}]}""");
        var (criterion, context) = await ContextAsync(Check($"echo '{Samples12Ms}' > /grader/out/bench.json", baseline: new BaselineSpec("ref.json", 0.10)));

        var result = await _executor.ExecuteAsync(criterion, context, CancellationToken.None);

        Assert.That(result.Status, Is.EqualTo(CheckStatus.Failed), result.Message);
        Assert.That(result.Values["verdict"], Is.EqualTo("regressed"));
        Assert.That(result.Values["baseline"], Is.EqualTo("10.0 ms"));
        Assert.That(result.Values["change"], Is.EqualTo("+21.0%"));
    }

    [Test]
    public async Task ExecuteAsync_CommandWritesNoFile_FailedSayingNothingWasWritten()
    {
        var (criterion, context) = await ContextAsync(Check("echo 'benchmark skipped'"));

        var result = await _executor.ExecuteAsync(criterion, context, CancellationToken.None);

        Assert.That(result.Status, Is.EqualTo(CheckStatus.Failed));
        Assert.That(result.Message, Does.Contain("did not write its results to /grader/out/bench.json"));
        Assert.That(result.Logs.Single().Text, Does.Contain("benchmark skipped"));
    }

    [Test]
    public async Task ExecuteAsync_MalformedJson_FailedWithAnExcerpt()
    {
        var (criterion, context) = await ContextAsync(Check("echo '{\"benchmarks\": [{\"name\": \"predict_batch\", \"samples\": [0.1,' > /grader/out/bench.json"));

        var result = await _executor.ExecuteAsync(criterion, context, CancellationToken.None);

        Assert.That(result.Status, Is.EqualTo(CheckStatus.Failed));
        Assert.That(result.Message, Does.Contain("not valid JSON").And.Contain("Output begins: {\"benchmarks\""));
    }

    [Test]
    public async Task ExecuteAsync_CommandExitsNonZero_FailedWithItsOutput()
    {
        var (criterion, context) = await ContextAsync(Check("echo 'ImportError: numpy' >&2; exit 3"));

        var result = await _executor.ExecuteAsync(criterion, context, CancellationToken.None);

        Assert.That(result.Status, Is.EqualTo(CheckStatus.Failed));
        Assert.That(result.Message, Does.Contain("exited with code 3"));
        Assert.That(result.Logs.Single().Text, Does.Contain("ImportError: numpy"));
    }

    [Test]
    public async Task ExecuteAsync_ImageDidNotBuild_NotRun()
    {
        var (criterion, context) = await ContextAsync(Check("true"));
        context.Image = null;

        var result = await _executor.ExecuteAsync(criterion, context, CancellationToken.None);

        Assert.That(result.Status, Is.EqualTo(CheckStatus.NotRun));
    }
}
