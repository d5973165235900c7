using Grader.Evidence.Reports.Leaderboards;

namespace Grader.Evidence.Tests.Reports.Leaderboards;

public sealed class MeasuredQuantityTests
{
    [TestCase(0.0123, "12.3 ms", 0.0123, "s", TestName = "From_BenchmarkTimeInSeconds_KeepsTheExactMeasureInSeconds")]
    [TestCase(12.5, "p95 12.5 ms", 0.0125, "s", TestName = "From_LoadP95InMilliseconds_ConvertsToSeconds")]
    [TestCase(null, "850 µs", 0.00085, "s", TestName = "From_TextOnlyMicroseconds_ConvertsToSeconds")]
    [TestCase(null, "1.5 s", 1.5, "s", TestName = "From_TextOnlySeconds_IsSeconds")]
    [TestCase(450.25, "450 ops/s", 450.25, "ops/s", TestName = "From_RateWithMeasure_KeepsTheRateUnit")]
    [TestCase(3.0, "3.00 tokens/s", 3.0, "tokens/s", TestName = "From_CustomUnit_KeepsIt")]
    [TestCase(0.7, null, 0.7, "", TestName = "From_MeasureWithoutText_HasNoUnit")]
    [TestCase(0.7, "n/a", 0.7, "", TestName = "From_TextNotANumber_FallsBackToTheMeasure")]
    public void From_RecordedValues_CanonicalQuantity(double? measure, string? text, double value, string unit)
    {
        var q = MeasuredQuantity.From(measure, text);
        Assert.That(q, Is.Not.Null);
        Assert.Multiple(() =>
        {
            Assert.That(q!.Value.Value, Is.EqualTo(value).Within(1e-12));
            Assert.That(q.Value.Unit, Is.EqualTo(unit));
        });
    }

    [TestCase(null, null, TestName = "From_NothingMeasured_IsNull")]
    [TestCase(null, "n/a", TestName = "From_NotApplicableText_IsNull")]
    [TestCase(double.NaN, "not measured", TestName = "From_NaNMeasureAndWords_IsNull")]
    public void From_NoNumber_IsNull(double? measure, string? text) =>
        Assert.That(MeasuredQuantity.From(measure, text), Is.Null);
}
