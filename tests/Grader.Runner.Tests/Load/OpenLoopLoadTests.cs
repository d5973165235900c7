using Grader.Rubrics.Model;
using Grader.Runner.Load;

namespace Grader.Runner.Tests.Load;

/// <summary>Open loop: a fixed rate on a schedule, latency counted from the intended send time.</summary>
[TestFixture]
[Category("Integration")]
public sealed class OpenLoopLoadTests
{
    private LoopbackServer _server = null!;

    [SetUp]
    public async Task StartServer() => _server = await LoopbackServer.StartAsync();

    [TearDown]
    public async Task StopServer() => await _server.DisposeAsync();

    [Test]
    public async Task RunAsync_FixedRate_SendsRateTimesDurationPerRepetition()
    {
        var profile = new LoadProfile
        {
            Target = new Uri(_server.BaseAddress, "ok"),
            Mode = LoadMode.Open,
            Rate = 100,
            Duration = TimeSpan.FromSeconds(1),
            Warmup = TimeSpan.FromMilliseconds(100),
            Repetitions = 2,
        };
        using var generator = new LoadGenerator(profile);

        var result = await generator.RunAsync(null, CancellationToken.None);

        Assert.That(result.Repetitions.Select(r => r.Counts.Total), Is.All.EqualTo(100));
        Assert.That(_server.Requests, Is.EqualTo(210), "10 warm-up requests and 2 x 100 measured");
        foreach (var pacing in result.Repetitions.Select(r => r.Pacing!))
        {
            Assert.That(pacing.TargetRate, Is.EqualTo(100));
            Assert.That(pacing.AchievedRate, Is.InRange(90, 100.5));
            Assert.That(pacing.InFlightLimitHits, Is.Zero);
        }
    }

    [Test]
    public async Task RunAsync_ServerStallsOnce_P99IncludesTheQueueingBehindTheStall()
    {
        // 200 requests/s for 2 s; the server stops answering for 500 ms at the 100th request. Requests due
        // during the stall wait behind it: counted from their intended send time, about a quarter of the
        // samples are hundreds of ms and p99 is close to the stall.
        _server.StallOnce(atRequest: 100, TimeSpan.FromMilliseconds(500));
        var profile = new LoadProfile
        {
            Target = new Uri(_server.BaseAddress, "ok"),
            Mode = LoadMode.Open,
            Rate = 200,
            Duration = TimeSpan.FromSeconds(2),
            Warmup = TimeSpan.Zero,
            Repetitions = 1,
        };
        using var generator = new LoadGenerator(profile);

        var result = await generator.RunAsync(null, CancellationToken.None);

        Assert.That(result.Counts.Total, Is.EqualTo(400));
        Assert.That(result.Latency.P99Ms, Is.GreaterThanOrEqualTo(450));
        Assert.That(result.Latency.MaxMs, Is.GreaterThanOrEqualTo(490));
        Assert.That(result.Latency.P95Ms, Is.GreaterThan(250), "about 100 of 400 requests were due during the stall");
    }

    [Test]
    public async Task RunAsync_ClosedLoopAgainstTheSameStall_HidesTheQueueing()
    {
        // The contrast that motivates the open loop: one closed-loop worker waits with the server, so the
        // stall is one slow sample among hundreds.
        _server.StallOnce(atRequest: 100, TimeSpan.FromMilliseconds(500));
        var profile = new LoadProfile
        {
            Target = new Uri(_server.BaseAddress, "delay/5"),
            Mode = LoadMode.Closed,
            Concurrency = 1,
            Duration = TimeSpan.FromSeconds(2),
            Warmup = TimeSpan.Zero,
            Repetitions = 1,
        };
        using var generator = new LoadGenerator(profile);

        var result = await generator.RunAsync(null, CancellationToken.None);

        Assert.That(result.Latency.MaxMs, Is.GreaterThanOrEqualTo(490));
        Assert.That(result.Latency.P95Ms, Is.LessThan(250));
    }
}
