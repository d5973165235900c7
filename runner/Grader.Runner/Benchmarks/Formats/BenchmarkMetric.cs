using System.Globalization;
using Grader.Runner.Statistics;

namespace Grader.Runner.Benchmarks.Formats;

/// <summary>A benchmark's result over every run of the command: the chosen metric and the samples compared with a baseline.</summary>
/// <param name="Value">The metric: computed from the pooled raw samples when the tool reported them, else the median of the runs' figures.</param>
/// <param name="Samples">What a baseline comparison uses: the pooled raw samples (as rates for <c>ops</c>), else one figure per run.</param>
/// <param name="PerRun">The metric as each run reported it.</param>
public sealed record BenchmarkOutcome(string Name, string Unit, string Metric, double Value, IReadOnlyList<double> Samples, IReadOnlyList<double> PerRun)
{
    public bool IsTime => Unit == BenchmarkMeasurement.Seconds && Metric != "ops";
}

/// <summary>Picks the benchmark and the metric (mean, median, min, max, p95, ops) a rubric asks for.</summary>
public static class BenchmarkMetric
{
    public static readonly IReadOnlyList<string> Known = ["mean", "median", "min", "max", "p95", "ops"];

    public static bool IsKnown(string metric) => Known.Contains(metric.ToLowerInvariant());

    /// <summary>The benchmark named <paramref name="name"/> (by name or alias), or the only/first one when null.</summary>
    public static BenchmarkMeasurement Select(IReadOnlyList<BenchmarkMeasurement> measurements, string? name)
    {
        ArgumentNullException.ThrowIfNull(measurements);
        if (name is null) return measurements[0];
        return measurements.FirstOrDefault(m => m.Matches(name))
            ?? throw new BenchmarkOutputException($"no benchmark named '{name}' in the output; it has: {string.Join(", ", measurements.Select(m => m.Name).Take(20))}");
    }

    public static double? ValueOf(BenchmarkStatistics statistics, string metric)
    {
        ArgumentNullException.ThrowIfNull(statistics);
        return metric.ToLowerInvariant() switch
        {
            "mean" => statistics.Mean,
            "median" => statistics.Median,
            "min" => statistics.Min,
            "max" => statistics.Max,
            "p95" => statistics.P95,
            "ops" => statistics.Ops,
            _ => throw new ArgumentException($"unknown benchmark metric '{metric}'; use one of {string.Join(", ", Known)}", nameof(metric)),
        };
    }

    /// <summary>Combines one benchmark's measurements from several runs of the command.</summary>
    public static BenchmarkOutcome Combine(IReadOnlyList<BenchmarkMeasurement> runs, string metric)
    {
        ArgumentNullException.ThrowIfNull(runs);
        if (runs.Count == 0) throw new ArgumentException("no runs to combine", nameof(runs));
        metric = metric.ToLowerInvariant();
        var first = runs[0];
        if (runs.Any(r => r.Unit != first.Unit)) throw new BenchmarkOutputException($"benchmark '{first.Name}' changed its unit between runs ({string.Join(", ", runs.Select(r => r.Unit).Distinct())})");
        var perRun = runs.Select(r => ValueOf(r.Statistics, metric)
            ?? throw new BenchmarkOutputException($"benchmark '{r.Name}' does not report '{metric}' and it cannot be derived (no raw samples)")).ToList();

        var pooled = runs.All(r => r.Samples.Count > 0) ? runs.SelectMany(r => r.Samples).ToList() : [];
        double value;
        if (pooled.Count >= 2 && ValueOf(BenchmarkStatistics.FromSamples(pooled, first.IsTime), metric) is { } fromSamples)
        {
            value = fromSamples;
        }
        else
        {
            value = SampleStatistics.Median(perRun);
        }

        IReadOnlyList<double> samples = pooled.Count >= 2
            ? metric == "ops" && first.IsTime ? [.. pooled.Where(s => s > 0).Select(s => 1 / s)] : pooled
            : perRun;
        return new BenchmarkOutcome(first.Name, first.Unit, metric, value, samples, perRun);
    }

    /// <summary>"12.3 ms", "850 µs", "1.20 s" for times; "1234 ops/s" for rates; the number and unit otherwise.</summary>
    public static string Format(double value, string unit, string metric)
    {
        if (!double.IsFinite(value)) return "n/a";
        if (metric == "ops" && unit == BenchmarkMeasurement.Seconds) return $"{Number(value)} ops/s";
        if (unit != BenchmarkMeasurement.Seconds) return $"{Number(value)} {unit}";
        var magnitude = Math.Abs(value);
        return magnitude switch
        {
            >= 1 => $"{Number(value)} s",
            >= 1e-3 => $"{Number(value * 1e3)} ms",
            >= 1e-6 => $"{Number(value * 1e6)} µs",
            _ => $"{Number(value * 1e9)} ns",
        };
    }

    private static string Number(double value) =>
        value.ToString(Math.Abs(value) >= 100 ? "0" : Math.Abs(value) >= 10 ? "0.0" : "0.00", CultureInfo.InvariantCulture);
}
