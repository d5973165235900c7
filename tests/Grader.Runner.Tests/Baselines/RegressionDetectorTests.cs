using Grader.Runner.Statistics;

namespace Grader.Runner.Tests.Baselines;

/// <summary>
/// The regression detector on seeded synthetic samples (15 per side, log-normal noise, rare outliers):
/// real regressions past the tolerance are flagged, noise and improvements are not, too few samples are
/// inconclusive.
/// </summary>
[TestFixture]
public sealed class RegressionDetectorTests
{
    private const int Samples = 15;
    private readonly RegressionDetector _detector = new();

    private RegressionVerdict[] Verdicts(int seeds, double slowdown, double noise, double tolerance, bool higherIsBetter = false)
    {
        var verdicts = new RegressionVerdict[seeds];
        for (var seed = 0; seed < seeds; seed++)
        {
            var random = new Random(seed);
            var baseline = SyntheticSamples.Draw(random, Samples, 0.020, noise);
            var current = SyntheticSamples.Draw(random, Samples, higherIsBetter ? 0.020 / slowdown : 0.020 * slowdown, noise);
            verdicts[seed] = _detector.Compare(baseline, current, tolerance, higherIsBetter).Verdict;
        }

        return verdicts;
    }

    [Test]
    public void Compare_TwentyPercentSlowerAtTenPercentTolerance_FlagsEverySeed()
    {
        var verdicts = Verdicts(seeds: 200, slowdown: 1.20, noise: 0.05, tolerance: 0.10);

        Assert.That(verdicts, Is.All.EqualTo(RegressionVerdict.Regressed));
    }

    [Test]
    public void Compare_TenPercentSlowerAtFivePercentTolerance_FlagsAtLeast95PercentOfSeeds()
    {
        var verdicts = Verdicts(seeds: 200, slowdown: 1.10, noise: 0.04, tolerance: 0.05);
        var detected = verdicts.Count(v => v == RegressionVerdict.Regressed) / (double)verdicts.Length;
        TestContext.Out.WriteLine($"10% regression, 4% noise, 5% tolerance: detected in {detected:P1} of seeds");

        Assert.That(detected, Is.GreaterThanOrEqualTo(0.95));
    }

    [TestCase(0.03, 0.05)]
    [TestCase(0.05, 0.05)]
    [TestCase(0.05, 0.10)]
    public void Compare_EqualDistributionsWithNoise_FalsePositiveRateAtMostOnePercent(double noise, double tolerance)
    {
        var verdicts = Verdicts(seeds: 500, slowdown: 1.0, noise: noise, tolerance: tolerance);
        var falsePositives = verdicts.Count(v => v == RegressionVerdict.Regressed) / (double)verdicts.Length;
        TestContext.Out.WriteLine($"no change, {noise:P0} noise, {tolerance:P0} tolerance: false-positive rate {falsePositives:P2} over 500 seeds");

        Assert.That(falsePositives, Is.LessThanOrEqualTo(0.01));
    }

    [Test]
    public void Compare_TwentyPercentFaster_IsImprovedNeverRegressed()
    {
        var verdicts = Verdicts(seeds: 100, slowdown: 0.80, noise: 0.05, tolerance: 0.10);

        Assert.That(verdicts, Has.None.EqualTo(RegressionVerdict.Regressed));
        Assert.That(verdicts.Count(v => v == RegressionVerdict.Improved), Is.GreaterThanOrEqualTo(95));
    }

    [Test]
    public void Compare_ThroughputDroppedTwentyPercent_HigherIsBetterIsRegressed()
    {
        var verdicts = Verdicts(seeds: 50, slowdown: 1.25, noise: 0.04, tolerance: 0.10, higherIsBetter: true);

        Assert.That(verdicts, Is.All.EqualTo(RegressionVerdict.Regressed));
    }

    [Test]
    public void Compare_ThreeSamplesEachEvenWhenFiftyPercentSlower_Inconclusive()
    {
        var comparison = _detector.Compare([0.010, 0.011, 0.010], [0.015, 0.016, 0.015], tolerance: 0.10, higherIsBetter: false);

        Assert.That(comparison.Verdict, Is.EqualTo(RegressionVerdict.Inconclusive));
        Assert.That(comparison.Reason, Does.Contain("too few samples"));
        Assert.That(comparison.Change, Is.EqualTo(0.5).Within(0.01));
    }

    [Test]
    public void Compare_PastToleranceButVeryNoisy_InconclusiveRatherThanRegressed()
    {
        var random = new Random(7);
        var baseline = SyntheticSamples.Draw(random, 6, 0.020, 0.40, outlierChance: 0);
        var current = SyntheticSamples.Draw(random, 6, 0.024, 0.40, outlierChance: 0);

        var comparison = _detector.Compare(baseline, current, tolerance: 0.05, higherIsBetter: false);

        Assert.That(comparison.Verdict, Is.Not.EqualTo(RegressionVerdict.Regressed));
        Assert.That(comparison.SlowdownHigh - comparison.SlowdownLow, Is.GreaterThan(0.2), "the interval shows the noise");
    }

    [Test]
    public void Compare_SameSamplesTwice_SameIntervalAndVerdict()
    {
        var random = new Random(3);
        var baseline = SyntheticSamples.Draw(random, 20, 0.02, 0.05);
        var current = SyntheticSamples.Draw(random, 20, 0.022, 0.05);

        var first = _detector.Compare(baseline, current, 0.05, higherIsBetter: false);
        var second = _detector.Compare(baseline, current, 0.05, higherIsBetter: false);

        Assert.That(second, Is.EqualTo(first));
    }
}
