using Grader.Runner.Benchmarks.Formats;

namespace Grader.Runner.Tests.Benchmarks;

/// <summary>Combining one benchmark's results from several runs into the metric and the samples compared with a baseline.</summary>
[TestFixture]
public sealed class BenchmarkMetricTests
{
    private static BenchmarkMeasurement Run(params double[] samples) =>
        new("b", [], "s", samples, BenchmarkStatistics.FromSamples(samples, isTime: true));

    private static BenchmarkMeasurement StatsOnly(double median) =>
        new("b", [], "s", [], new BenchmarkStatistics(median, median, median, median, 0, null, 1 / median));

    [Test]
    public void Combine_RunsWithRawSamples_MetricFromPooledSamples()
    {
        var outcome = BenchmarkMetric.Combine([Run(0.010, 0.012), Run(0.011, 0.013), Run(0.014, 0.009)], "median");

        Assert.That(outcome.Value, Is.EqualTo(0.0115).Within(1e-12));
        Assert.That(outcome.Samples, Has.Count.EqualTo(6));
        Assert.That(outcome.PerRun, Has.Count.EqualTo(3));
    }

    [Test]
    public void Combine_StatsOnlyRuns_MedianOfRunsAndOneSamplePerRun()
    {
        var outcome = BenchmarkMetric.Combine([StatsOnly(0.02), StatsOnly(0.03), StatsOnly(0.025)], "median");

        Assert.That(outcome.Value, Is.EqualTo(0.025));
        Assert.That(outcome.Samples, Is.EqualTo(new[] { 0.02, 0.03, 0.025 }));
    }

    [Test]
    public void Combine_OpsMetric_SamplesBecomeRates()
    {
        var outcome = BenchmarkMetric.Combine([Run(0.5, 0.25)], "ops");

        Assert.That(outcome.Samples, Is.EqualTo(new[] { 2.0, 4.0 }));
        Assert.That(outcome.Value, Is.EqualTo(1 / 0.375).Within(1e-9));
        Assert.That(outcome.IsTime, Is.False);
    }

    [Test]
    public void Combine_P95WithoutSamples_ThrowsLearnerFacingError()
    {
        var error = Assert.Throws<BenchmarkOutputException>(() => BenchmarkMetric.Combine([StatsOnly(0.02)], "p95"));

        Assert.That(error!.Message, Does.Contain("does not report 'p95'"));
    }

    [TestCase(0.0123, "s", "median", "12.3 ms")]
    [TestCase(0.000850, "s", "median", "850 µs")]
    [TestCase(1.2, "s", "mean", "1.20 s")]
    [TestCase(1234.0, "s", "ops", "1234 ops/s")]
    [TestCase(845.5, "req/s", "median", "846 req/s")]
    public void Format_ValueAndUnit_ReadableText(double value, string unit, string metric, string expected)
    {
        Assert.That(BenchmarkMetric.Format(value, unit, metric), Is.EqualTo(expected));
    }
}
