using Grader.Runner.Statistics;

namespace Grader.Runner.Benchmarks.Formats;

/// <summary>Summary statistics of one benchmark, in <see cref="BenchmarkMeasurement.Unit"/> (seconds for times); null when the tool did not report it and it cannot be derived.</summary>
/// <param name="Ops">Operations per second (1 / mean time, or the tool's own figure).</param>
public sealed record BenchmarkStatistics(double? Mean, double? Median, double? Min, double? Max, double? StdDev, double? P95, double? Ops)
{
    /// <summary>Statistics computed from raw samples (<paramref name="isTime"/>: ops is 1 / mean).</summary>
    public static BenchmarkStatistics FromSamples(IReadOnlyList<double> samples, bool isTime)
    {
        ArgumentNullException.ThrowIfNull(samples);
        if (samples.Count == 0) return new BenchmarkStatistics(null, null, null, null, null, null, null);
        var mean = SampleStatistics.Mean(samples);
        return new BenchmarkStatistics(mean, SampleStatistics.Median(samples), samples.Min(), samples.Max(),
            SampleStatistics.StandardDeviation(samples), SampleStatistics.Percentile(samples, 95), isTime && mean > 0 ? 1 / mean : null);
    }

    /// <summary>Fills the statistics the tool left out from the samples.</summary>
    public BenchmarkStatistics Complete(IReadOnlyList<double> samples, bool isTime)
    {
        var derived = FromSamples(samples, isTime);
        return new BenchmarkStatistics(Mean ?? derived.Mean, Median ?? derived.Median, Min ?? derived.Min, Max ?? derived.Max,
            StdDev ?? derived.StdDev, P95 ?? derived.P95, Ops ?? derived.Ops ?? (isTime && Mean is > 0 ? 1 / Mean : null));
    }
}

/// <summary>
/// One benchmark's results from one run of the learner's benchmark command, normalised: times in seconds
/// (<see cref="Unit"/> "s"), other units (a generic benchmark's "req/s") kept as written.
/// </summary>
/// <param name="Name">The benchmark's name as the tool writes it.</param>
/// <param name="Aliases">Other names it can be selected by (full name, method, class.method).</param>
/// <param name="Samples">Raw per-round measurements when the tool reports them (pytest-benchmark <c>data</c>, Google Benchmark repetitions, BenchmarkDotNet <c>OriginalValues</c>, generic <c>samples</c>); else empty.</param>
public sealed record BenchmarkMeasurement(string Name, IReadOnlyList<string> Aliases, string Unit, IReadOnlyList<double> Samples, BenchmarkStatistics Statistics)
{
    public const string Seconds = "s";

    public bool IsTime => Unit == Seconds;

    public bool Matches(string name) =>
        string.Equals(Name, name, StringComparison.Ordinal) || Aliases.Contains(name, StringComparer.Ordinal);
}

/// <summary>The benchmark command's output is missing or not in the expected format: the learner's failure.</summary>
public sealed class BenchmarkOutputException : Exception
{
    public BenchmarkOutputException(string message) : base(message) { }
    public BenchmarkOutputException(string message, Exception innerException) : base(message, innerException) { }
    public BenchmarkOutputException() { }
}
