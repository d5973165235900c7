using HdrHistogram;

namespace Grader.Runner.Load;

/// <summary>Latency percentiles in milliseconds, read from an HdrHistogram recorded in microseconds.</summary>
public sealed record LatencySummary(long Count, double P50Ms, double P95Ms, double P99Ms, double MaxMs, double MeanMs)
{
    public static readonly LatencySummary Empty = new(0, double.NaN, double.NaN, double.NaN, double.NaN, double.NaN);

    public static LatencySummary From(HistogramBase histogram)
    {
        ArgumentNullException.ThrowIfNull(histogram);
        if (histogram.TotalCount == 0) return Empty;
        return new LatencySummary(
            histogram.TotalCount,
            histogram.GetValueAtPercentile(50) / 1000.0,
            histogram.GetValueAtPercentile(95) / 1000.0,
            histogram.GetValueAtPercentile(99) / 1000.0,
            histogram.GetMaxValue() / 1000.0,
            histogram.GetMean() / 1000.0);
    }
}

/// <summary>Request outcomes counted in one phase.</summary>
public sealed record RequestCounts(long Succeeded, long StatusErrors, long Timeouts, long ConnectionErrors)
{
    public long Total => Succeeded + StatusErrors + Timeouts + ConnectionErrors;
    public long Errors => StatusErrors + Timeouts + ConnectionErrors;
    public double ErrorRate => Total == 0 ? 0 : (double)Errors / Total;

    public static RequestCounts Sum(IEnumerable<RequestCounts> counts) => counts.Aggregate(
        new RequestCounts(0, 0, 0, 0),
        (a, b) => new RequestCounts(a.Succeeded + b.Succeeded, a.StatusErrors + b.StatusErrors, a.Timeouts + b.Timeouts, a.ConnectionErrors + b.ConnectionErrors));
}

/// <summary>How well an open-loop run kept its schedule.</summary>
/// <param name="AchievedRate">Requests actually sent per second over the repetition.</param>
/// <param name="SendLagP99Ms">99th percentile of how late requests were sent after their intended time.</param>
/// <param name="InFlightLimitHits">Times sending waited because <see cref="LoadProfile.MaxInFlight"/> requests were outstanding (the service was not answering).</param>
/// <param name="FellBehind">The achieved rate is under 95% of the target, or sends lagged more than 10 ms at the 99th percentile.</param>
public sealed record OpenLoopPacing(double TargetRate, double AchievedRate, double SendLagP99Ms, double MaxSendLagMs, long InFlightLimitHits, bool FellBehind);

/// <summary>One measured repetition.</summary>
/// <param name="Throughput">Successful (2xx) responses per second.</param>
/// <param name="WindowP95Ms">p95 latency of each full window of the repetition (the samples baselines compare).</param>
/// <param name="WindowThroughput">Successful responses per second in each full window.</param>
public sealed record LoadRepetition(
    int Number,
    TimeSpan Elapsed,
    RequestCounts Counts,
    LatencySummary Latency,
    double Throughput,
    IReadOnlyList<double> WindowP95Ms,
    IReadOnlyList<double> WindowThroughput,
    OpenLoopPacing? Pacing)
{
    public double ErrorRate => Counts.ErrorRate;
}

/// <summary>A whole load run: the repetitions, the merged latency distribution and the spread between repetitions.</summary>
/// <param name="P95Spread">Coefficient of variation of the repetitions' p95 latency.</param>
/// <param name="ThroughputSpread">Coefficient of variation of the repetitions' throughput.</param>
public sealed record LoadRunResult(
    LoadProfile Profile,
    IReadOnlyList<LoadRepetition> Repetitions,
    RequestCounts Counts,
    LatencySummary Latency,
    double Throughput,
    double P95Spread,
    double ThroughputSpread)
{
    public double ErrorRate => Counts.ErrorRate;

    /// <summary>All repetitions' per-window p95 latencies, in order.</summary>
    public IReadOnlyList<double> WindowP95Ms => [.. Repetitions.SelectMany(r => r.WindowP95Ms)];

    /// <summary>True when an open-loop repetition could not keep the rate for reasons of its own (not because the service stopped answering).</summary>
    public bool GeneratorFellBehind => Repetitions.Any(r => r.Pacing is { FellBehind: true, InFlightLimitHits: 0 });
}
