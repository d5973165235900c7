using Grader.Runner.Load;

namespace Grader.Runner.Tests.Load;

/// <summary>Non-2xx answers, timeouts and connection failures are counted as errors, each in its own bucket.</summary>
[TestFixture]
public sealed class LoadErrorCountingTests
{
    private LoopbackServer _server = null!;

    [SetUp]
    public async Task StartServer() => _server = await LoopbackServer.StartAsync();

    [TearDown]
    public async Task StopServer() => await _server.DisposeAsync();

    [Test]
    public async Task RunAsync_EveryFourthAnswerIs500_CountsExactlyTheServersFailures()
    {
        var profile = new LoadProfile
        {
            Target = new Uri(_server.BaseAddress, "every/4/fails"),
            Concurrency = 2,
            Duration = TimeSpan.FromMilliseconds(500),
            Warmup = TimeSpan.Zero,
            Repetitions = 1,
        };
        using var generator = new LoadGenerator(profile);

        var result = await generator.RunAsync(null, CancellationToken.None);

        Assert.That(result.Counts.Total, Is.EqualTo(_server.Requests));
        Assert.That(result.Counts.StatusErrors, Is.EqualTo(_server.Failures));
        Assert.That(result.ErrorRate, Is.InRange(0.2, 0.3));
        Assert.That(result.Counts.Timeouts + result.Counts.ConnectionErrors, Is.Zero);
    }

    [Test]
    public async Task RunAsync_ServerSlowerThanRequestTimeout_CountsTimeouts()
    {
        var profile = new LoadProfile
        {
            Target = new Uri(_server.BaseAddress, "hang"),
            Concurrency = 2,
            Duration = TimeSpan.FromMilliseconds(400),
            Warmup = TimeSpan.Zero,
            Repetitions = 1,
            RequestTimeout = TimeSpan.FromMilliseconds(150),
        };
        using var generator = new LoadGenerator(profile);

        var result = await generator.RunAsync(null, CancellationToken.None);

        Assert.That(result.Counts.Timeouts, Is.GreaterThanOrEqualTo(2));
        Assert.That(result.Counts.Succeeded, Is.Zero);
        Assert.That(result.ErrorRate, Is.EqualTo(1.0));
        // Recorded at the time it took, not as 0: the timer behind the 150 ms timeout may fire a fraction of a
        // millisecond before the stopwatch reads 150 ms (149.76 ms was seen), hence the margin.
        Assert.That(result.Latency.P50Ms, Is.GreaterThanOrEqualTo(145), "a timeout is recorded at the time it took");
    }

    [Test]
    public async Task RunAsync_NothingListens_CountsConnectionErrorsAndRecordsNoLatency()
    {
        var closed = _server.BaseAddress;
        await _server.DisposeAsync();
        _server = await LoopbackServer.StartAsync();
        var profile = new LoadProfile
        {
            Target = new Uri(closed, "ok"),
            Concurrency = 1,
            Duration = TimeSpan.FromMilliseconds(200),
            Warmup = TimeSpan.Zero,
            Repetitions = 1,
        };
        using var generator = new LoadGenerator(profile);

        var result = await generator.RunAsync(null, CancellationToken.None);

        Assert.That(result.Counts.ConnectionErrors, Is.GreaterThan(0));
        Assert.That(result.Counts.Succeeded, Is.Zero);
        Assert.That(result.Latency.Count, Is.Zero);
    }
}
