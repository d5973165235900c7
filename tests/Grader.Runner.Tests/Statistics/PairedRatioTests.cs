using Grader.Runner.Statistics;

namespace Grader.Runner.Tests.Statistics;

/// <summary>
/// The paired verdict on fixed rounds whose interval is computed by hand (geometric mean of the slowdowns, t interval of
/// the mean log slowdown): pass only when the whole interval is within the tolerance, fail only when it is all beyond,
/// too noisy in between.
/// </summary>
[TestFixture]
public sealed class PairedRatioTests
{
    private static readonly double[] Reference = [10, 10, 10, 10, 10];

    private static double[] Times(params double[] slowdowns) => [.. slowdowns.Select(s => s * 10)];

    [Test]
    public void Compare_FiveNoisyRounds_IntervalMatchesTheHandComputedOne()
    {
        // log slowdowns of 1.00, 1.10, 0.95, 1.05, 1.02; t(0.975, 4) = 2.776445.
        var comparison = PairedRatio.Compare(Times(1.00, 1.10, 0.95, 1.05, 1.02), Reference, 0.10, 0.95, higherIsBetter: false);

        Assert.Multiple(() =>
        {
            Assert.That(comparison.Slowdown, Is.EqualTo(1.022777).Within(1e-6));
            Assert.That(comparison.Low, Is.EqualTo(0.955664).Within(1e-6));
            Assert.That(comparison.High, Is.EqualTo(1.094604).Within(1e-6));
            Assert.That(comparison.Rounds, Is.EqualTo(5));
            Assert.That(comparison.Verdict, Is.EqualTo(PairedVerdict.WithinTolerance));
            Assert.That(comparison.Reason, Does.Contain("slowdown x1.023 vs the reference (95% CI x0.956 to x1.095, 5 interleaved rounds)"));
        });
    }

    [Test]
    public void Compare_UpperBoundJustPastTheTolerance_TooNoisyNotAPassOrFail()
    {
        // The same rounds at 9%: the interval (x0.956 to x1.095) straddles x1.09.
        var comparison = PairedRatio.Compare(Times(1.00, 1.10, 0.95, 1.05, 1.02), Reference, 0.09, 0.95, higherIsBetter: false);

        Assert.That(comparison.Verdict, Is.EqualTo(PairedVerdict.TooNoisy));
        Assert.That(comparison.VerdictText, Is.EqualTo("too noisy to judge"));
        Assert.That(comparison.Reason, Does.Contain("straddles the 9% tolerance"));
    }

    [Test]
    public void Compare_TwiceAsSlowEveryRound_Regressed()
    {
        var comparison = PairedRatio.Compare(Times(1.9, 2.1, 2.05, 1.95, 2.0), Reference, 0.10, 0.95, higherIsBetter: false);

        Assert.Multiple(() =>
        {
            Assert.That(comparison.Slowdown, Is.EqualTo(1.998749).Within(1e-6));
            Assert.That(comparison.Low, Is.EqualTo(1.902940).Within(1e-6));
            Assert.That(comparison.High, Is.EqualTo(2.099382).Within(1e-6));
            Assert.That(comparison.Verdict, Is.EqualTo(PairedVerdict.Regressed));
        });
    }

    [Test]
    public void Compare_TwiceAsSlowButToleranceCoversPartOfTheInterval_TooNoisy()
    {
        // x1.903 to x2.099 against x1.95: part within, part beyond.
        var comparison = PairedRatio.Compare(Times(1.9, 2.1, 2.05, 1.95, 2.0), Reference, 0.95, 0.95, higherIsBetter: false);

        Assert.That(comparison.Verdict, Is.EqualTo(PairedVerdict.TooNoisy));
    }

    [Test]
    public void Compare_WildlyNoisyRounds_TooNoisy()
    {
        var comparison = PairedRatio.Compare(Times(0.8, 1.3, 0.9, 1.25, 1.0), Reference, 0.10, 0.95, higherIsBetter: false);

        Assert.That(comparison.Low, Is.EqualTo(0.796117).Within(1e-6));
        Assert.That(comparison.High, Is.EqualTo(1.337511).Within(1e-6));
        Assert.That(comparison.Verdict, Is.EqualTo(PairedVerdict.TooNoisy));
    }

    [TestCase(0.80, PairedVerdict.WithinTolerance)]
    [TestCase(0.99, PairedVerdict.TooNoisy)]
    public void Compare_ConfidenceLevel_WidensTheInterval(double confidence, PairedVerdict expected)
    {
        // 80%: x0.991 to x1.056; 99%: x0.929 to x1.127, past x1.10.
        var comparison = PairedRatio.Compare(Times(1.00, 1.08, 0.96, 1.06, 1.02), Reference, 0.10, confidence, higherIsBetter: false);

        Assert.That(comparison.Verdict, Is.EqualTo(expected));
    }

    [Test]
    public void Compare_IdenticalRounds_ZeroWidthIntervalWithinTolerance()
    {
        var comparison = PairedRatio.Compare(Reference, Reference, 0.05, 0.95, higherIsBetter: false);

        Assert.That((comparison.Slowdown, comparison.Low, comparison.High), Is.EqualTo((1.0, 1.0, 1.0)));
        Assert.That(comparison.Verdict, Is.EqualTo(PairedVerdict.WithinTolerance));
    }

    [TestCase(1.09, PairedVerdict.WithinTolerance)]
    [TestCase(1.11, PairedVerdict.Regressed)]
    public void Compare_ConstantSlowdownNearTheTolerance_DecidedBySide(double slowdown, PairedVerdict expected)
    {
        var comparison = PairedRatio.Compare(Times(slowdown, slowdown, slowdown), [10, 10, 10], 0.10, 0.95, higherIsBetter: false);

        Assert.That(comparison.Verdict, Is.EqualTo(expected));
    }

    [Test]
    public void Compare_HigherIsBetterAndHalfTheReferencesRate_RegressedByTwo()
    {
        var comparison = PairedRatio.Compare([50, 50, 50, 50], [100, 100, 100, 100], 0.10, 0.95, higherIsBetter: true);

        Assert.That(comparison.Slowdown, Is.EqualTo(2.0).Within(1e-12));
        Assert.That(comparison.Verdict, Is.EqualTo(PairedVerdict.Regressed));
    }

    [Test]
    public void Compare_FasterThanTheReference_WithinTolerance()
    {
        var comparison = PairedRatio.Compare(Times(0.5, 0.6, 0.55), [10, 10, 10], 0.10, 0.95, higherIsBetter: false);

        Assert.That(comparison.Verdict, Is.EqualTo(PairedVerdict.WithinTolerance));
    }

    [Test]
    public void Compare_UnpairedOrUnusableRounds_Throws()
    {
        Assert.Multiple(() =>
        {
            Assert.That(() => PairedRatio.Compare([1, 2, 3], [1, 2], 0.1, 0.95, false), Throws.ArgumentException);
            Assert.That(() => PairedRatio.Compare([1], [1], 0.1, 0.95, false), Throws.ArgumentException);
            Assert.That(() => PairedRatio.Compare([1, 0], [1, 1], 0.1, 0.95, false), Throws.ArgumentException);
            Assert.That(() => PairedRatio.Compare([1, 1], [1, 1], 0.1, 1.0, false), Throws.InstanceOf<ArgumentOutOfRangeException>());
        });
    }
}
