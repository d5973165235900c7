using Grader.Rubrics.Model;
using Grader.Runner.Benchmarks.Formats;

namespace Grader.Runner.Tests.Benchmarks;

/// <summary>Output that is missing, not JSON, or not in the declared format gives a clear learner-facing error with an excerpt.</summary>
[TestFixture]
public sealed class MalformedBenchmarkOutputTests
{
    [Test]
    public void Parse_TruncatedJson_SaysNotValidJsonWithPositionAndExcerpt()
    {
        var error = Assert.Throws<BenchmarkOutputException>(() => BenchmarkOutputParser.Parse(BenchmarkFormat.Generic, "{\"benchmarks\": [{\"name\": \"a\", \"samples\": [1, 2"));

        Assert.That(error!.Message, Does.Contain("not valid JSON").And.Contain("line 1").And.Contain("Output begins: {\"benchmarks\""));
    }

    [Test]
    public void Parse_EmptyOutput_SaysEmpty()
    {
        var error = Assert.Throws<BenchmarkOutputException>(() => BenchmarkOutputParser.Parse(BenchmarkFormat.PytestBenchmark, ""));

        Assert.That(error!.Message, Does.Contain("empty"));
    }

    [Test]
    public void Parse_GoogleBenchmarkJsonDeclaredAsPytest_NamesTheMissingField()
    {
        var error = Assert.Throws<BenchmarkOutputException>(() => BenchmarkOutputParser.Parse(BenchmarkFormat.PytestBenchmark, Fixtures.Read("gbench-repetitions.json")));

        Assert.That(error!.Message, Does.Contain("benchmark 'BM_predict_batch': 'stats' must be an object"));
    }

    [Test]
    public void Parse_SampleNotANumber_NamesTheBenchmarkAndItem()
    {
        var error = Assert.Throws<BenchmarkOutputException>(() => BenchmarkOutputParser.Parse(BenchmarkFormat.Generic, """{"benchmarks": [{"name": "p", "samples": [0.1, "fast"]}]}"""));

        Assert.That(error!.Message, Does.Contain("benchmark 'p' samples: item 1 is not a number"));
    }

    [Test]
    public void Parse_NoBenchmarks_SaysSo()
    {
        var error = Assert.Throws<BenchmarkOutputException>(() => BenchmarkOutputParser.Parse(BenchmarkFormat.Generic, """{"benchmarks": []}"""));

        Assert.That(error!.Message, Does.Contain("lists no benchmarks"));
    }

    [Test]
    public void Parse_BenchmarkDotNetWithoutStatistics_SaysItDidNotComplete()
    {
        var error = Assert.Throws<BenchmarkOutputException>(() => BenchmarkOutputParser.Parse(BenchmarkFormat.BenchmarkDotNet, """{"Benchmarks": [{"FullName": "A.B", "Statistics": null}]}"""));

        Assert.That(error!.Message, Does.Contain("'A.B' has no Statistics"));
    }

    [Test]
    public void Parse_GoogleBenchmarkErrorOccurred_ReportsItsMessage()
    {
        var error = Assert.Throws<BenchmarkOutputException>(() => BenchmarkOutputParser.Parse(BenchmarkFormat.GoogleBenchmark,
            """{"benchmarks": [{"name": "BM_x", "run_type": "iteration", "error_occurred": true, "error_message": "model file missing", "real_time": 0, "time_unit": "ns"}]}"""));

        Assert.That(error!.Message, Does.Contain("model file missing"));
    }

    [Test]
    public void ExtractJsonFromOutput_OnlyLogLines_SaysNoJsonWithExcerpt()
    {
        var error = Assert.Throws<BenchmarkOutputException>(() => BenchmarkOutputParser.ExtractJsonFromOutput("Traceback (most recent call last):\n  ImportError: numpy\n"));

        Assert.That(error!.Message, Does.Contain("no JSON object").And.Contain("Traceback"));
    }

    [Test]
    public void Select_UnknownName_ListsTheAvailableBenchmarks()
    {
        var measurements = BenchmarkOutputParser.Parse(BenchmarkFormat.Generic, Fixtures.Read("generic.json"));

        var error = Assert.Throws<BenchmarkOutputException>(() => BenchmarkMetric.Select(measurements, "predict"));

        Assert.That(error!.Message, Does.Contain("predict_batch, throughput"));
    }
}
