using Microsoft.Extensions.Options;

namespace Grader.Runner.Statistics;

/// <summary>How a regression against a baseline is decided (options pattern: section "Grader:Regression").</summary>
public sealed class RegressionDetectorOptions
{
    public const string SectionName = "Grader:Regression";

    /// <summary>Fewer samples than this on either side give <see cref="RegressionVerdict.Inconclusive"/>.</summary>
    public int MinSamples { get; set; } = 5;

    /// <summary>Bootstrap resamples for the confidence interval.</summary>
    public int Resamples { get; set; } = 2000;

    /// <summary>Two-sided confidence level of the interval.</summary>
    public double ConfidenceLevel { get; set; } = 0.95;

    /// <summary>Larger sample sets are subsampled to this many (seeded) to bound the bootstrap's cost.</summary>
    public int MaxSamplesPerSide { get; set; } = 1000;

    /// <summary>Fixed seed: the same samples always give the same verdict (grading must be reproducible).</summary>
    public int Seed { get; set; } = 523_527;
}

/// <summary>
/// Compares repeated samples of a metric with a baseline's samples, with noise in mind: the ratio of
/// medians, and a percentile-bootstrap confidence interval of that ratio. A regression is flagged only
/// when it is both relevant (the ratio is past the tolerance) and significant (the interval excludes 1).
/// </summary>
/// <remarks>
/// Medians resist the outliers benchmark and latency samples have. Requiring both conditions keeps
/// run-to-run noise (a few percent) from being reported while a 10% regression at a 5% tolerance is,
/// given enough samples; a point estimate past the tolerance without significance is "inconclusive".
/// </remarks>
public sealed class RegressionDetector(IOptions<RegressionDetectorOptions> options)
{
    private readonly RegressionDetectorOptions _options = options.Value;

    public RegressionDetector() : this(Options.Create(new RegressionDetectorOptions())) { }

    /// <param name="tolerance">Tolerated regression as a fraction (0.10 = 10% worse).</param>
    /// <param name="higherIsBetter">True for throughput-like metrics, false for times.</param>
    public RegressionComparison Compare(IReadOnlyList<double> baseline, IReadOnlyList<double> current, double tolerance, bool higherIsBetter)
    {
        ArgumentNullException.ThrowIfNull(baseline);
        ArgumentNullException.ThrowIfNull(current);
        ArgumentOutOfRangeException.ThrowIfNegative(tolerance);

        var random = new Random(_options.Seed);
        var before = Usable(baseline, random);
        var after = Usable(current, random);
        var baselineMedian = before.Length == 0 ? double.NaN : SampleStatistics.Median(before);
        var currentMedian = after.Length == 0 ? double.NaN : SampleStatistics.Median(after);

        if (before.Length < _options.MinSamples || after.Length < _options.MinSamples)
        {
            return new RegressionComparison(RegressionVerdict.Inconclusive, baselineMedian, currentMedian, double.NaN, double.NaN, double.NaN,
                before.Length, after.Length, tolerance,
                $"too few samples to compare ({after.Length} current, {before.Length} baseline; at least {_options.MinSamples} each are needed)");
        }

        var slowdown = Slowdown(baselineMedian, currentMedian, higherIsBetter);
        var (low, high) = BootstrapInterval(before, after, higherIsBetter, random);
        var verdict = (slowdown, low, high) switch
        {
            _ when slowdown > 1 + tolerance && low > 1 => RegressionVerdict.Regressed,
            _ when slowdown > 1 + tolerance => RegressionVerdict.Inconclusive,
            _ when slowdown < 1 - tolerance && high < 1 => RegressionVerdict.Improved,
            _ => RegressionVerdict.WithinTolerance,
        };
        var interval = $"{_options.ConfidenceLevel:P0} CI {FormatFactor(low)} to {FormatFactor(high)}";
        var reason = verdict switch
        {
            RegressionVerdict.Regressed => $"{FormatFactor(slowdown)} worse than the baseline ({interval}), beyond the {tolerance:P0} tolerance",
            RegressionVerdict.Inconclusive => $"{FormatFactor(slowdown)} worse than the baseline but the noise is too large to tell ({interval})",
            RegressionVerdict.Improved => $"{FormatFactor(1 / slowdown)} better than the baseline ({interval})",
            _ => $"within the {tolerance:P0} tolerance of the baseline (slowdown {FormatFactor(slowdown)}, {interval})",
        };
        return new RegressionComparison(verdict, baselineMedian, currentMedian, slowdown, low, high, before.Length, after.Length, tolerance, reason);
    }

    private static string FormatFactor(double factor) => $"x{factor:0.000}";

    private static double Slowdown(double baselineMedian, double currentMedian, bool higherIsBetter) =>
        higherIsBetter ? baselineMedian / currentMedian : currentMedian / baselineMedian;

    private double[] Usable(IReadOnlyList<double> samples, Random random)
    {
        var finite = samples.Where(s => double.IsFinite(s) && s > 0).ToArray();
        if (finite.Length <= _options.MaxSamplesPerSide) return finite;
        random.Shuffle(finite);
        return finite[.._options.MaxSamplesPerSide];
    }

    private (double Low, double High) BootstrapInterval(double[] before, double[] after, bool higherIsBetter, Random random)
    {
        var ratios = new double[_options.Resamples];
        var scratchBefore = new double[before.Length];
        var scratchAfter = new double[after.Length];
        for (var r = 0; r < ratios.Length; r++)
        {
            var resampledBefore = ResampledMedian(before, scratchBefore, random);
            var resampledAfter = ResampledMedian(after, scratchAfter, random);
            ratios[r] = Slowdown(resampledBefore, resampledAfter, higherIsBetter);
        }

        Array.Sort(ratios);
        var alpha = (1 - _options.ConfidenceLevel) / 2;
        return (SampleStatistics.PercentileOfSorted(ratios, ratios.Length, alpha * 100),
                SampleStatistics.PercentileOfSorted(ratios, ratios.Length, (1 - alpha) * 100));
    }

    private static double ResampledMedian(double[] samples, double[] scratch, Random random)
    {
        for (var i = 0; i < scratch.Length; i++) scratch[i] = samples[random.Next(samples.Length)];
        Array.Sort(scratch);
        return SampleStatistics.PercentileOfSorted(scratch, scratch.Length, 50);
    }
}
