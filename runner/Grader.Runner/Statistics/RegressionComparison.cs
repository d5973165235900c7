namespace Grader.Runner.Statistics;

/// <summary>What a comparison with a baseline concluded.</summary>
public enum RegressionVerdict
{
    /// <summary>No worse than the baseline beyond the tolerance (or not provably so).</summary>
    WithinTolerance,
    /// <summary>Worse than the baseline by more than the tolerance, and the confidence interval excludes "no change".</summary>
    Regressed,
    /// <summary>Better than the baseline by more than the tolerance, with confidence.</summary>
    Improved,
    /// <summary>Too few samples, or the point estimate is past the tolerance but the noise is too large to tell.</summary>
    Inconclusive,
}

/// <param name="Slowdown">How much worse the current run is, as a factor (1.10 = 10% worse), whatever the metric's direction.</param>
/// <param name="SlowdownLow">Lower bound of the confidence interval of <paramref name="Slowdown"/>.</param>
/// <param name="SlowdownHigh">Upper bound of the confidence interval of <paramref name="Slowdown"/>.</param>
/// <param name="Reason">One line that explains the verdict.</param>
public sealed record RegressionComparison(
    RegressionVerdict Verdict,
    double BaselineMedian,
    double CurrentMedian,
    double Slowdown,
    double SlowdownLow,
    double SlowdownHigh,
    int BaselineCount,
    int CurrentCount,
    double Tolerance,
    string Reason)
{
    /// <summary>Signed change of the metric relative to the baseline (+0.12 = the value is 12% higher).</summary>
    public double Change => BaselineMedian == 0 ? double.NaN : (CurrentMedian - BaselineMedian) / BaselineMedian;

    /// <summary>Lower-case verdict for feedback: "within tolerance", "regressed", "improved", "inconclusive".</summary>
    public string VerdictText => Verdict switch
    {
        RegressionVerdict.WithinTolerance => "within tolerance",
        RegressionVerdict.Regressed => "regressed",
        RegressionVerdict.Improved => "improved",
        _ => "inconclusive",
    };
}
