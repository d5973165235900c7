using Grader.Rubrics.Model;
using Grader.Runner.Load;

namespace Grader.Runner.Tests.Load;

/// <summary>Closed loop: N workers, each sending only when its previous request answered.</summary>
[TestFixture]
[Category("Integration")]
public sealed class ClosedLoopLoadTests
{
    private LoopbackServer _server = null!;

    [OneTimeSetUp]
    public async Task StartServer() => _server = await LoopbackServer.StartAsync();

    [OneTimeTearDown]
    public async Task StopServer() => await _server.DisposeAsync();

    [Test]
    public async Task RunAsync_FixedServerLatency_RequestCountBoundedByConcurrencyOverLatency()
    {
        var profile = new LoadProfile
        {
            Target = new Uri(_server.BaseAddress, "delay/20"),
            Mode = LoadMode.Closed,
            Concurrency = 4,
            Duration = TimeSpan.FromSeconds(1),
            Warmup = TimeSpan.FromMilliseconds(200),
            Repetitions = 2,
        };
        using var generator = new LoadGenerator(profile);

        var result = await generator.RunAsync(null, CancellationToken.None);

        Assert.That(result.Repetitions, Has.Count.EqualTo(2));
        foreach (var repetition in result.Repetitions)
        {
            // 4 workers x (1 s / 20 ms) = 200 at most (plus the 4 in flight at the deadline); far fewer would mean workers idle.
            Assert.That(repetition.Counts.Total, Is.InRange(40, 204), $"repetition {repetition.Number}");
            Assert.That(repetition.Counts.Errors, Is.Zero);
            Assert.That(repetition.Latency.P50Ms, Is.GreaterThanOrEqualTo(19.5));
            Assert.That(repetition.Latency.Count, Is.EqualTo(repetition.Counts.Total));
        }

        Assert.That(result.Latency.Count, Is.EqualTo(result.Counts.Total));
        Assert.That(result.Throughput, Is.GreaterThan(0));
    }

    [Test]
    public async Task RunAsync_ClosedLoop_ServerNeverSeesMoreRequestsThanWorkers()
    {
        var profile = new LoadProfile
        {
            Target = new Uri(_server.BaseAddress, "delay/5"),
            Concurrency = 3,
            Duration = TimeSpan.FromMilliseconds(600),
            Warmup = TimeSpan.Zero,
            Repetitions = 1,
        };
        var before = _server.Requests;
        using var generator = new LoadGenerator(profile);

        var result = await generator.RunAsync(null, CancellationToken.None);

        Assert.That(_server.MaxInFlight, Is.LessThanOrEqualTo(4), "this fixture's tests run one at a time; 3 workers");
        Assert.That(_server.Requests - before, Is.EqualTo(result.Counts.Total));
    }

    [Test]
    public async Task RunAsync_Repetitions_ReportsPerWindowSamplesAndSpread()
    {
        var profile = new LoadProfile
        {
            Target = new Uri(_server.BaseAddress, "ok"),
            Concurrency = 2,
            Duration = TimeSpan.FromSeconds(1),
            Warmup = TimeSpan.Zero,
            Repetitions = 3,
            Window = TimeSpan.FromMilliseconds(200),
        };
        var progress = new List<string>();
        using var generator = new LoadGenerator(profile);

        var result = await generator.RunAsync(new SynchronousProgress(progress), CancellationToken.None);

        Assert.That(result.WindowP95Ms, Has.Count.InRange(9, 18), "about five 200 ms windows per 1 s repetition");
        Assert.That(result.WindowP95Ms, Has.All.GreaterThan(0));
        Assert.That(double.IsFinite(result.P95Spread) && double.IsFinite(result.ThroughputSpread), Is.True);
        Assert.That(progress, Is.EqualTo(new[] { "load: repetition 1/3", "load: repetition 2/3", "load: repetition 3/3" }));
    }
}

/// <summary>Collects progress reports on the reporting thread (Progress&lt;T&gt; would post them later).</summary>
internal sealed class SynchronousProgress(List<string> reports) : IProgress<string>
{
    public void Report(string value)
    {
        lock (reports) reports.Add(value);
    }
}
