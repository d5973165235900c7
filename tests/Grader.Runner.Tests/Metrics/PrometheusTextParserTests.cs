using Grader.Runner.Metrics;

namespace Grader.Runner.Tests.Metrics;

[TestFixture]
public sealed class PrometheusTextParserTests
{
    [Test]
    public void Parse_HelpWithEscapes_UnescapesBackslashAndNewline()
    {
        var text = "# HELP up Whether up.\\nSecond line \\\\ done\n# TYPE up gauge\nup 1\n";

        var family = PrometheusTextParser.Parse(text).Find("up")!;

        Assert.Multiple(() =>
        {
            Assert.That(family.Help, Is.EqualTo("Whether up.\nSecond line \\ done"));
            Assert.That(family.Type, Is.EqualTo(MetricType.Gauge));
            Assert.That(family.Samples.Single().Value, Is.EqualTo(1));
        });
    }

    [Test]
    public void Parse_LabelValuesWithEscapesCommasAndBraces_KeepsExactValues()
    {
        var text = "# TYPE http_requests_total counter\n" +
                   "http_requests_total{method=\"POST\",path=\"/a,b}c\",msg=\"say \\\"hi\\\"\\n\\\\x\",} 3 1700000000000\n";

        var sample = PrometheusTextParser.Parse(text).Find("http_requests_total")!.Samples.Single();

        Assert.Multiple(() =>
        {
            Assert.That(sample.Labels["method"], Is.EqualTo("POST"));
            Assert.That(sample.Labels["path"], Is.EqualTo("/a,b}c"));
            Assert.That(sample.Labels["msg"], Is.EqualTo("say \"hi\"\n\\x"));
            Assert.That(sample.TimestampMs, Is.EqualTo(1700000000000));
        });
    }

    [Test]
    public void Parse_SpecialAndScientificValues_ParsesThem()
    {
        var text = "a NaN\nb +Inf\nc -Inf\nd 1.5e-3\ne -2E+2\nrecord:rule:rate5m 7\n";

        var parsed = PrometheusTextParser.Parse(text);

        Assert.Multiple(() =>
        {
            Assert.That(parsed.Find("a")!.Samples[0].Value, Is.NaN);
            Assert.That(parsed.Find("b")!.Samples[0].Value, Is.EqualTo(double.PositiveInfinity));
            Assert.That(parsed.Find("c")!.Samples[0].Value, Is.EqualTo(double.NegativeInfinity));
            Assert.That(parsed.Find("d")!.Samples[0].Value, Is.EqualTo(0.0015));
            Assert.That(parsed.Find("e")!.Samples[0].Value, Is.EqualTo(-200));
            Assert.That(parsed.Find("record:rule:rate5m")!.Type, Is.EqualTo(MetricType.Untyped));
        });
    }

    [Test]
    public void Parse_HistogramAndSummary_GroupsSamplesUnderTheirFamily()
    {
        var text = """
            # HELP prediction_latency_seconds Latency.
            # TYPE prediction_latency_seconds histogram
            prediction_latency_seconds_bucket{le="0.1"} 2
            prediction_latency_seconds_bucket{le="+Inf"} 3
            prediction_latency_seconds_sum 0.42
            prediction_latency_seconds_count 3

            # a comment that is not HELP or TYPE
            # TYPE rpc_seconds summary
            rpc_seconds{quantile="0.5"} 0.01
            rpc_seconds_sum 1.5
            rpc_seconds_count 7
            """;

        var parsed = PrometheusTextParser.Parse(text);

        var histogram = parsed.Find("prediction_latency_seconds")!;
        var summary = parsed.Find("rpc_seconds")!;
        Assert.Multiple(() =>
        {
            Assert.That(parsed.Families.Select(f => f.Name), Is.EqualTo(new[] { "prediction_latency_seconds", "rpc_seconds" }));
            Assert.That(histogram.Samples, Has.Count.EqualTo(4));
            Assert.That(histogram.Total(), Is.EqualTo(3));
            Assert.That(summary.Samples, Has.Count.EqualTo(3));
            Assert.That(summary.Total(), Is.EqualTo(7));
        });
    }

    [Test]
    public void Parse_CounterFoundWithOrWithoutTotalSuffix_SumsSeries()
    {
        var text = "# TYPE predictions counter\npredictions{model=\"a\"} 2\npredictions{model=\"b\"} 3\n";

        var parsed = PrometheusTextParser.Parse(text);

        Assert.That(parsed.Find("predictions_total")!.Total(), Is.EqualTo(5));
    }

    [TestCase("# TYPE x counter\n# TYPE x gauge\nx 1", 2, "second TYPE line for x")]
    [TestCase("x 1\n# TYPE x counter", 2, "TYPE line for x after its samples")]
    [TestCase("# TYPE x countr", 1, "unknown metric type 'countr'")]
    [TestCase("ok 1\nx{a=\"1\" 2", 2, "expected ',' or '}'")]
    [TestCase("x{a=\"unterminated} 2", 1, "no closing quote")]
    [TestCase("x{a=\"bad \\q\"} 2", 1, "invalid escape")]
    [TestCase("x{a=\"1\",a=\"2\"} 2", 1, "label a appears twice")]
    [TestCase("x abc", 1, "'abc' is not a number")]
    [TestCase("x", 1, "sample x has no value")]
    [TestCase("x 1 12.5", 1, "is not an integer")]
    [TestCase("x 1 5 extra", 1, "unexpected text after the timestamp")]
    [TestCase("1x 2", 1, "expected a metric name")]
    [TestCase("# TYPE h histogram\nh_bucket 1", 2, "has no 'le' label")]
    [TestCase("# TYPE s summary\ns 1", 2, "without a 'quantile' label")]
    [TestCase("# HELP x a\n# HELP x b", 2, "second HELP line")]
    [TestCase("x{=\"1\"} 1", 1, "expected a label name")]
    public void Parse_MalformedLine_ThrowsWithLineNumber(string text, int line, string reason)
    {
        var error = Assert.Throws<PrometheusFormatException>(() => PrometheusTextParser.Parse(text))!;

        Assert.Multiple(() =>
        {
            Assert.That(error.LineNumber, Is.EqualTo(line));
            Assert.That(error.Message, Does.StartWith($"line {line}: ").And.Contain(reason));
        });
    }

    [Test]
    public void Parse_CrlfBlankLinesAndTabs_Accepted()
    {
        var text = "\r\n# TYPE x gauge\r\n\tx{a=\"1\"}\t4\r\n\r\n";

        Assert.That(PrometheusTextParser.Parse(text).Find("x")!.Samples.Single().Value, Is.EqualTo(4));
    }
}
