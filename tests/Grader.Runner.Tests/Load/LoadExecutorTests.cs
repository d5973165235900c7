using Grader.Rubrics.Model;
using Grader.Rubrics.Results;
using Grader.Runner.Baselines;
using Grader.Runner.Load;
using Grader.Runner.Service;
using Grader.Runner.Statistics;
using Grader.Runner.Tests.Baselines;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Grader.Runner.Tests.Load;

/// <summary>The load check against a real server: thresholds, baselines, no service.</summary>
[TestFixture]
[Category("Integration")]
public sealed class LoadExecutorTests
{
    private LoopbackServer _server = null!;
    private TemporaryDirectory _temp = null!;
    private LoadExecutor _executor = null!;

    [SetUp]
    public async Task SetUp()
    {
        _server = await LoopbackServer.StartAsync();
        _temp = new TemporaryDirectory();
        var store = new FileBaselineStore(Options.Create(new BaselineStoreOptions { StateDirectory = _temp.Combine("state") }));
        _executor = new LoadExecutor(new BaselineProvider(store), new RegressionDetector(), NullLogger<LoadExecutor>.Instance);
    }

    [TearDown]
    public async Task TearDown()
    {
        await _server.DisposeAsync();
        _temp.Dispose();
    }

    /// <summary>The running service as the pipeline hands it over: only its address matters to the load check.</summary>
    private sealed class ServiceAt(Uri baseAddress) : IRunningService
    {
        public string ContainerId => "loopback";
        public Uri BaseAddress { get; } = baseAddress;
        public Task<string> GetLogsAsync(CancellationToken cancellationToken) => Task.FromResult("");
        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }

    private static LoadCheck Check(string path, BaselineSpec? baseline = null, TimeSpan? maxP95 = null, double? maxErrorRate = null) => new()
    {
        Path = path,
        Concurrency = 2,
        Duration = TimeSpan.FromSeconds(1),
        Warmup = TimeSpan.FromMilliseconds(100),
        Repetitions = 1,
        MaxP95 = maxP95,
        MaxErrorRate = maxErrorRate,
        Baseline = baseline,
    };

    private global::Grader.Runner.Checks.GradingContext Context(Criterion criterion, bool withService = true, string? repository = null, string work = "work")
    {
        var context = PerfContexts.Context(criterion, _temp.Path, _temp.Combine(work), repository, commit: work);
        if (withService) context.ServiceStart = new ServiceStartOutcome(new ServiceAt(_server.BaseAddress), true, TimeSpan.FromSeconds(1), null, "");
        return context;
    }

    [Test]
    public async Task ExecuteAsync_FastServerWithinThresholds_PassedWithP95MeasureAndValues()
    {
        var criterion = PerfContexts.Criterion(Check("ok", maxP95: TimeSpan.FromSeconds(2), maxErrorRate: 0.01));

        var result = await _executor.ExecuteAsync(criterion, Context(criterion), CancellationToken.None);

        Assert.That(result.Status, Is.EqualTo(CheckStatus.Passed), result.Message);
        Assert.That(result.Measure, Is.GreaterThan(0).And.LessThan(2000));
        Assert.That(result.Values.Keys, Is.SupersetOf(new[] { "p50", "p95", "p99", "max", "throughput", "error_rate", "baseline_p95", "change" }));
        Assert.That(result.Values["baseline_p95"], Is.EqualTo("none"));
        Assert.That(result.Details, Has.Some.StartsWith("| #1 |"));
        Assert.That(File.Exists(_temp.Combine("work", "baselines", "perf.json")), Is.True, "each run's results are written for use as a baseline");
    }

    [Test]
    public async Task ExecuteAsync_ServerSlowerThanP95Threshold_FailedNamingTheThreshold()
    {
        var criterion = PerfContexts.Criterion(Check("delay/60", maxP95: TimeSpan.FromMilliseconds(30)));

        var result = await _executor.ExecuteAsync(criterion, Context(criterion), CancellationToken.None);

        Assert.That(result.Status, Is.EqualTo(CheckStatus.Failed));
        Assert.That(result.Message, Does.Contain("p95").And.Contain("is over 30.0 ms"));
        Assert.That(result.Measure, Is.GreaterThanOrEqualTo(60));
    }

    [Test]
    public async Task ExecuteAsync_HalfTheAnswersAre500_FailedOnErrorRate()
    {
        var criterion = PerfContexts.Criterion(Check("every/2/fails", maxErrorRate: 0.01));

        var result = await _executor.ExecuteAsync(criterion, Context(criterion), CancellationToken.None);

        Assert.That(result.Status, Is.EqualTo(CheckStatus.Failed));
        Assert.That(result.Message, Does.Contain("error rate"));
        Assert.That(result.Values["error_rate"], Does.Match(@"^(49|50)\.\d\d %$"), "every other answer is a 500");
    }

    [Test]
    public async Task ExecuteAsync_NoServiceRunning_NotRunWithTheLaunchError()
    {
        var criterion = PerfContexts.Criterion(Check("ok"));
        var context = Context(criterion, withService: false);
        context.ServiceStart = new ServiceStartOutcome(null, false, TimeSpan.Zero, "the container exited with code 1", "Traceback...");

        var result = await _executor.ExecuteAsync(criterion, context, CancellationToken.None);

        Assert.That(result.Status, Is.EqualTo(CheckStatus.NotRun));
        Assert.That(result.Message, Does.Contain("the container exited with code 1"));
    }

    [Test]
    public async Task ExecuteAsync_ReferenceBaselineMuchFaster_FailedAsRegressed()
    {
        var reference = new BaselineFile
        {
            Check = "load", Metric = "p95_ms", Unit = "ms", Value = 5,
            Samples = [5.1, 4.9, 5.0, 5.2, 4.8, 5.0, 5.1, 4.9, 5.0, 5.3],
            Repetitions = [new Dictionary<string, double> { ["p50_ms"] = 4, ["p95_ms"] = 5, ["p99_ms"] = 6, ["max_ms"] = 8, ["throughput"] = 400, ["error_rate"] = 0 }],
        };
        await reference.WriteAsync(_temp.Combine("baselines", "load.json"), CancellationToken.None);
        var criterion = PerfContexts.Criterion(Check("delay/40", new BaselineSpec("baselines/load.json", 0.10)));

        var result = await _executor.ExecuteAsync(criterion, Context(criterion), CancellationToken.None);

        Assert.That(result.Status, Is.EqualTo(CheckStatus.Failed), result.Message);
        Assert.That(result.Values["verdict"], Is.EqualTo("regressed"));
        Assert.That(result.Values["baseline_p95"], Is.EqualTo("5.00 ms"));
        Assert.That(result.Values["change"], Does.StartWith("+"));
        Assert.That(result.Details, Has.Some.StartsWith("| baseline #1 |"));
    }

    [Test]
    public async Task ExecuteAsync_PreviousCommitBaseline_FirstRunHasNoneSecondComparesWithIt()
    {
        var criterion = PerfContexts.Criterion(Check("delay/20", new BaselineSpec(null, Tolerance: 0.5)));

        var first = await _executor.ExecuteAsync(criterion, Context(criterion, repository: "learner/mod-527", work: "first"), CancellationToken.None);
        var second = await _executor.ExecuteAsync(criterion, Context(criterion, repository: "learner/mod-527", work: "second"), CancellationToken.None);

        Assert.That(first.Values["verdict"], Does.Contain("no previous graded commit"));
        // The verdict itself depends on this machine's load between the two runs; the flow is what is tested here.
        Assert.That(second.Values["baseline_p95"], Is.EqualTo(first.Values["p95"]));
        Assert.That(second.Values["verdict"], Is.AnyOf("within tolerance", "regressed", "improved", "inconclusive"));
        Assert.That(second.Details, Has.Some.Contains("previous graded commit first"));
    }

    [Test]
    public async Task ExecuteAsync_OpenLoopWithoutRate_GraderErrorNamingTheSetting()
    {
        var criterion = PerfContexts.Criterion(Check("ok") with { Mode = LoadMode.Open, Rate = null });

        var result = await _executor.ExecuteAsync(criterion, Context(criterion), CancellationToken.None);

        Assert.That(result.Status, Is.EqualTo(CheckStatus.GraderError));
        Assert.That(result.Message, Does.Contain("rate"));
    }
}
