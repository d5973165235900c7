using Grader.Rubrics.Model;
using Grader.Runner.Benchmarks.Formats;

namespace Grader.Runner.Tests.Benchmarks;

/// <summary>Each tool's real JSON report read into measurements in seconds.</summary>
[TestFixture]
public sealed class BenchmarkOutputParserTests
{
    [Test]
    public void Parse_PytestBenchmarkWithData_StatsInSecondsAndRawRounds()
    {
        var measurements = BenchmarkOutputParser.Parse(BenchmarkFormat.PytestBenchmark, Fixtures.Read("pytest-benchmark.json"));

        var predict = BenchmarkMetric.Select(measurements, "test_predict_batch");
        Assert.That(measurements.Select(m => m.Name), Is.EqualTo(new[] { "test_predict_batch", "test_tokenize" }));
        Assert.That(predict.Unit, Is.EqualTo("s"));
        Assert.That(predict.Statistics.Median, Is.EqualTo(5.2985499905844335e-05));
        Assert.That(predict.Statistics.Ops, Is.EqualTo(6140.9999905069435));
        Assert.That(predict.Samples, Has.Count.EqualTo(42));
        Assert.That(predict.Statistics.P95, Is.Not.Null, "derived from the rounds");
        Assert.That(BenchmarkMetric.Select(measurements, "test_bench.py::test_tokenize").Name, Is.EqualTo("test_tokenize"));
    }

    [Test]
    public void Parse_PytestBenchmarkWithoutData_StatsOnlyAndNoP95()
    {
        var measurement = BenchmarkOutputParser.Parse(BenchmarkFormat.PytestBenchmark, Fixtures.Read("pytest-benchmark-no-data.json"))[0];

        Assert.That(measurement.Samples, Is.Empty);
        Assert.That(measurement.Statistics.Median, Is.Not.Null);
        Assert.That(measurement.Statistics.P95, Is.Null);
    }

    [Test]
    public void Parse_GoogleBenchmarkRepetitions_IterationsAreSamplesAggregatesAreStats()
    {
        var measurements = BenchmarkOutputParser.Parse(BenchmarkFormat.GoogleBenchmark, Fixtures.Read("gbench-repetitions.json"));

        Assert.That(measurements.Select(m => m.Name), Is.EqualTo(new[] { "BM_predict_batch", "BM_tokenize" }));
        var predict = measurements[0];
        Assert.That(predict.Samples, Is.EqualTo(new[] { 20897.54844248103e-9, 21179.354917827437e-9, 24713.951715188457e-9 }).Within(1e-15));
        Assert.That(predict.Statistics.Mean, Is.EqualTo(22263.618358498978e-9).Within(1e-15));
        Assert.That(predict.Statistics.Median, Is.EqualTo(21179.354917827437e-9).Within(1e-15));
        Assert.That(predict.Statistics.StdDev, Is.EqualTo(2126.7237459448193e-9).Within(1e-15));
    }

    [Test]
    public void Parse_GoogleBenchmarkAggregatesOnly_StatsFromAggregatesNoSamples()
    {
        var tokenize = BenchmarkMetric.Select(BenchmarkOutputParser.Parse(BenchmarkFormat.GoogleBenchmark, Fixtures.Read("gbench-aggregates.json")), "BM_tokenize");

        Assert.That(tokenize.Samples, Is.Empty);
        Assert.That(tokenize.Statistics.Median, Is.EqualTo(590.2207752635269e-9).Within(1e-15));
        Assert.That(tokenize.Statistics.Ops, Is.EqualTo(1 / 581.953186587168e-9).Within(1));
    }

    [TestCase("benchmarkdotnet-full.json")]
    [TestCase("benchmarkdotnet-brief.json")]
    public void Parse_BenchmarkDotNet_NanosecondsBecomeSecondsSelectableByMethod(string fixture)
    {
        var measurements = BenchmarkOutputParser.Parse(BenchmarkFormat.BenchmarkDotNet, Fixtures.Read(fixture));

        var predict = BenchmarkMetric.Select(measurements, "PredictBatch");
        Assert.That(predict.Name, Is.EqualTo("Inference.PredictBatch"));
        Assert.That(predict.Statistics.Median, Is.EqualTo(109513.0390625e-9).Within(1e-15));
        Assert.That(predict.Statistics.P95, Is.EqualTo(392220.30439453124e-9).Within(1e-15));
        Assert.That(predict.Samples, Has.Count.EqualTo(8));
        Assert.That(BenchmarkMetric.Select(measurements, "Inference.Tokenize").Statistics.Mean, Is.EqualTo(32910.68772379557e-9).Within(1e-15));
    }

    [Test]
    public void Parse_Generic_TimeUnitsNormalisedOtherUnitsKept()
    {
        var measurements = BenchmarkOutputParser.Parse(BenchmarkFormat.Generic, Fixtures.Read("generic.json"));

        Assert.That(measurements[0].Unit, Is.EqualTo("s"));
        Assert.That(measurements[0].Samples, Is.EqualTo(new[] { 0.0121, 0.0118, 0.0124, 0.0120, 0.0119 }).Within(1e-12));
        Assert.That(measurements[0].Statistics.Median, Is.EqualTo(0.0120).Within(1e-12));
        Assert.That(measurements[1].Unit, Is.EqualTo("req/s"));
        Assert.That(measurements[1].Statistics.Median, Is.EqualTo(845.5));
    }

    [Test]
    public void ExtractJsonFromOutput_LogLinesAroundTheJson_ReturnsTheObject()
    {
        const string output = "warming up {not json}\n{\"benchmarks\": [{\"name\": \"a\", \"samples\": [1, 2]}]}\ndone\n";

        var json = BenchmarkOutputParser.ExtractJsonFromOutput(output);

        Assert.That(BenchmarkOutputParser.Parse(BenchmarkFormat.Generic, json)[0].Samples, Is.EqualTo(new[] { 1.0, 2.0 }));
    }
}
