namespace Grader.Runner.Statistics;

/// <summary>Order statistics and spread of measured samples (benchmark times, per-window latencies).</summary>
public static class SampleStatistics
{
    /// <summary>The median (mean of the two middle values for an even count); NaN when empty.</summary>
    public static double Median(IReadOnlyList<double> samples) => Percentile(samples, 50);

    /// <summary>Linear-interpolated percentile (0..100) of <paramref name="samples"/>; NaN when empty.</summary>
    public static double Percentile(IReadOnlyList<double> samples, double percentile)
    {
        ArgumentNullException.ThrowIfNull(samples);
        if (samples.Count == 0) return double.NaN;
        var sorted = samples.ToArray();
        Array.Sort(sorted);
        return PercentileOfSorted(sorted, sorted.Length, percentile);
    }

    internal static double PercentileOfSorted(double[] sorted, int count, double percentile)
    {
        if (count == 1) return sorted[0];
        var rank = Math.Clamp(percentile, 0, 100) / 100.0 * (count - 1);
        var lower = (int)Math.Floor(rank);
        var upper = Math.Min(lower + 1, count - 1);
        return sorted[lower] + ((rank - lower) * (sorted[upper] - sorted[lower]));
    }

    public static double Mean(IReadOnlyList<double> samples)
    {
        ArgumentNullException.ThrowIfNull(samples);
        return samples.Count == 0 ? double.NaN : samples.Average();
    }

    /// <summary>Sample standard deviation (n - 1); 0 for fewer than two samples.</summary>
    public static double StandardDeviation(IReadOnlyList<double> samples)
    {
        ArgumentNullException.ThrowIfNull(samples);
        if (samples.Count < 2) return 0;
        var mean = samples.Average();
        var sumOfSquares = samples.Sum(s => (s - mean) * (s - mean));
        return Math.Sqrt(sumOfSquares / (samples.Count - 1));
    }

    /// <summary>Standard deviation over mean: the run-to-run spread as a fraction; NaN when the mean is 0 or there are no samples.</summary>
    public static double CoefficientOfVariation(IReadOnlyList<double> samples)
    {
        ArgumentNullException.ThrowIfNull(samples);
        if (samples.Count == 0) return double.NaN;
        var mean = samples.Average();
        return mean == 0 ? double.NaN : StandardDeviation(samples) / Math.Abs(mean);
    }
}
