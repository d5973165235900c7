using System.Globalization;

namespace Grader.Runner.Statistics;

/// <summary>What a comparison with a reference measured in the same job concluded.</summary>
public enum PairedVerdict
{
    /// <summary>The whole confidence interval of the slowdown is within the tolerance.</summary>
    WithinTolerance,
    /// <summary>The whole confidence interval of the slowdown is beyond the tolerance: a regression.</summary>
    Regressed,
    /// <summary>The interval straddles the tolerance: the runs were too noisy to decide either way (a grader error, re-run later).</summary>
    TooNoisy,
}

/// <param name="Slowdown">Geometric mean of the rounds' slowdowns (1.10 = 10% slower than the reference), whatever the metric's direction.</param>
/// <param name="Low">Lower bound of the slowdown's confidence interval.</param>
/// <param name="High">Upper bound of the slowdown's confidence interval.</param>
/// <param name="RoundSlowdowns">Each round's slowdown (learner vs reference of the same round).</param>
public sealed record PairedComparison(
    PairedVerdict Verdict,
    double Slowdown,
    double Low,
    double High,
    IReadOnlyList<double> RoundSlowdowns,
    double Confidence,
    double Tolerance)
{
    public int Rounds => RoundSlowdowns.Count;

    /// <summary>"within tolerance", "regressed", "too noisy to judge".</summary>
    public string VerdictText => Verdict switch
    {
        PairedVerdict.WithinTolerance => "within tolerance",
        PairedVerdict.Regressed => "regressed",
        _ => "too noisy to judge",
    };

    /// <summary>"slowdown x1.043 vs the reference (95% CI x0.981 to x1.109, 5 interleaved rounds)": the figures every message shows.</summary>
    public string Summary => string.Create(CultureInfo.InvariantCulture,
        $"slowdown x{Slowdown:0.000} vs the reference ({Confidence:0.##%} CI x{Low:0.000} to x{High:0.000}, {Rounds} interleaved rounds)");

    /// <summary>One sentence explaining the verdict against the tolerance.</summary>
    public string Reason => Verdict switch
    {
        PairedVerdict.WithinTolerance => string.Create(CultureInfo.InvariantCulture, $"{Summary}: the whole interval is within the {Tolerance:0.##%} tolerance"),
        PairedVerdict.Regressed => string.Create(CultureInfo.InvariantCulture, $"{Summary}: the whole interval is beyond the {Tolerance:0.##%} tolerance"),
        _ => string.Create(CultureInfo.InvariantCulture, $"{Summary}: the interval straddles the {Tolerance:0.##%} tolerance (x{1 + Tolerance:0.000}), so the runs were too noisy to judge"),
    };
}

/// <summary>
/// Judges learner runs against reference runs measured in the same job, paired by round: each round's slowdown
/// (learner / reference, inverted when higher is better), a t confidence interval of the mean log slowdown, and a
/// verdict only when the whole interval is on one side of the tolerance.
/// </summary>
/// <remarks>
/// Pairing cancels what both sides of a round share (the runner's load at that moment); the log makes ratios
/// symmetric (x2 and x0.5 are equally far from 1) and their noise closer to normal, so the t interval fits with
/// few rounds. A decision is never made from a point estimate: an interval straddling the tolerance is "too noisy".
/// </remarks>
public static class PairedRatio
{
    /// <param name="learner">The learner's metric per round.</param>
    /// <param name="reference">The reference's metric per round (same count, same order).</param>
    /// <param name="tolerance">Tolerated slowdown as a fraction (0.10 = 10% slower).</param>
    /// <param name="confidence">Two-sided confidence level of the interval (0.95).</param>
    /// <param name="higherIsBetter">True for throughput-like metrics, false for times.</param>
    public static PairedComparison Compare(IReadOnlyList<double> learner, IReadOnlyList<double> reference, double tolerance, double confidence, bool higherIsBetter)
    {
        ArgumentNullException.ThrowIfNull(learner);
        ArgumentNullException.ThrowIfNull(reference);
        if (learner.Count != reference.Count) throw new ArgumentException($"paired samples need equal counts ({learner.Count} learner, {reference.Count} reference)", nameof(reference));
        if (learner.Count < 2) throw new ArgumentException("at least two rounds are needed for an interval", nameof(learner));
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(tolerance);
        if (!(confidence is > 0 and < 1)) throw new ArgumentOutOfRangeException(nameof(confidence), confidence, "a confidence level strictly between 0 and 1");
        if (learner.Concat(reference).Any(v => !double.IsFinite(v) || v <= 0)) throw new ArgumentException("every measurement must be a positive finite number", nameof(learner));

        var slowdowns = learner.Zip(reference, (l, r) => higherIsBetter ? r / l : l / r).ToList();
        var logs = slowdowns.Select(s => Math.Log(s)).ToList();
        var mean = SampleStatistics.Mean(logs);
        var halfWidth = StudentT.Quantile((1 + confidence) / 2, logs.Count - 1) * SampleStatistics.StandardDeviation(logs) / Math.Sqrt(logs.Count);
        var (slowdown, low, high) = (Math.Exp(mean), Math.Exp(mean - halfWidth), Math.Exp(mean + halfWidth));
        var limit = 1 + tolerance;
        var verdict = high <= limit ? PairedVerdict.WithinTolerance : low > limit ? PairedVerdict.Regressed : PairedVerdict.TooNoisy;
        return new PairedComparison(verdict, slowdown, low, high, slowdowns, confidence, tolerance);
    }
}
