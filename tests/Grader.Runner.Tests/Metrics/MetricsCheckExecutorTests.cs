using Grader.Rubrics.Model;
using Grader.Rubrics.Results;
using Grader.Runner.Metrics;
using Grader.Runner.Service;
using Grader.Runner.Tests.Service;
using Microsoft.Extensions.Options;

namespace Grader.Runner.Tests.Metrics;

[TestFixture]
[Category("Docker")]
[Category("Integration")]
public sealed class MetricsCheckExecutorTests
{
    // /cgi-bin/predict increments a counter file; /cgi-bin/metrics renders it. /static-metrics never changes.
    private const string MetricsScript = """
        n=$(cat /tmp/count 2>/dev/null || echo 0)
        echo '# HELP predictions_total Predictions served.'
        echo '# TYPE predictions_total counter'
        echo "predictions_total $n"
        echo '# TYPE http_requests_total counter'
        echo "http_requests_total{method=\"POST\",status=\"200\"} $n"
        echo '# TYPE prediction_latency_seconds histogram'
        echo 'prediction_latency_seconds_bucket{le="+Inf"} 0'
        echo 'prediction_latency_seconds_sum 0'
        echo 'prediction_latency_seconds_count 0'
        """;

    // A labelled histogram as Prometheus clients expose it: no series until a request was observed, and a request is
    // observed only after its answer was sent, so the first scrape shows none.
    private const string LazyMetricsScript = """
        n=$(cat /tmp/scrapes 2>/dev/null || echo 0)
        echo '# TYPE http_request_duration_seconds histogram'
        if [ "$n" -gt 0 ]; then
          echo "http_request_duration_seconds_bucket{path=\"/metrics\",le=\"+Inf\"} $n"
          echo "http_request_duration_seconds_count{path=\"/metrics\"} $n"
        fi
        echo $((n+1)) > /tmp/scrapes
        """;

    private ServiceTestHost _host = null!;
    private ServiceStartOutcome _service = null!;

    [OneTimeSetUp]
    public async Task OneTimeSetUp()
    {
        _host = new ServiceTestHost();
        var site = new BusyboxSite()
            .File("/health", "ok")
            .File("/static-metrics", "# TYPE frozen_total counter\nfrozen_total 4\n")
            .File("/broken-metrics", "# TYPE ok gauge\nok 1\nbad{x=\"1\" 2\n")
            .Cgi("metrics", MetricsScript)
            .Cgi("lazy-metrics", LazyMetricsScript)
            .Cgi("predict", "n=$(cat /tmp/count 2>/dev/null || echo 0); echo $((n+1)) > /tmp/count; echo '{\"label\":\"cat\"}'");
        _service = await _host.StartReadyAsync(ServiceTestHost.Spec(site.Command()));
    }

    [OneTimeTearDown]
    public async Task OneTimeTearDown() => await _host.DisposeAsync();

    private Task<CheckResult> CheckAsync(MetricsCheck check) =>
        new MetricsCheckExecutor(new ServiceHttpClient(), Options.Create(new MetricsCheckOptions()))
            .ExecuteAsync(ServiceTestHost.Criterion(check), _host.Context(_service), CancellationToken.None);

    [Test]
    public async Task ExecuteAsync_RequiredFamiliesPresentAndCounterIncreases_Passed()
    {
        var check = new MetricsCheck
        {
            Path = "/cgi-bin/metrics",
            Require =
            [
                new RequiredMetric("http_requests_total", "counter", ["method", "status"]),
                new RequiredMetric("prediction_latency_seconds", "histogram", []),
                new RequiredMetric("predictions_total", null, []),
            ],
            Increases = [new IncreasingMetric("predictions_total", "POST", "/cgi-bin/predict", "{\"features\":[1,2,3,4]}", 3)],
        };

        var result = await CheckAsync(check);

        Assert.Multiple(() =>
        {
            Assert.That(result.Status, Is.EqualTo(CheckStatus.Passed), string.Join("; ", result.Details));
            Assert.That(result.Measure, Is.EqualTo(1));
            Assert.That(result.Values["missing"], Is.EqualTo("none"));
            Assert.That(result.Details, Has.Some.Contains("predictions_total went from"));
        });
    }

    [Test]
    public async Task ExecuteAsync_LabelledSeriesAppearOnlyAfterTheFirstScrape_MetOnTheLaterScrape()
    {
        var check = new MetricsCheck
        {
            Path = "/cgi-bin/lazy-metrics",
            Require = [new RequiredMetric("http_request_duration_seconds", "histogram", ["path"])],
        };

        var result = await CheckAsync(check);

        Assert.That(result.Status, Is.EqualTo(CheckStatus.Passed), string.Join("; ", result.Details));
    }

    [Test]
    public async Task ExecuteAsync_MissingWrongTypeAndLabels_PartialShareWithReasons()
    {
        var check = new MetricsCheck
        {
            Path = "/cgi-bin/metrics",
            Require =
            [
                new RequiredMetric("predictions_total", "counter", []),
                new RequiredMetric("model_load_seconds", null, []),
                new RequiredMetric("http_requests_total", "gauge", []),
                new RequiredMetric("predictions_total", null, ["model"]),
            ],
        };

        var result = await CheckAsync(check);

        Assert.Multiple(() =>
        {
            Assert.That(result.Status, Is.EqualTo(CheckStatus.Failed));
            Assert.That(result.Measure, Is.EqualTo(0.25));
            Assert.That(result.Values["missing"], Does.Contain("model_load_seconds").And.Contain("http_requests_total"));
            Assert.That(result.Details, Has.Some.Contains("model_load_seconds is not exposed"));
            Assert.That(result.Details, Has.Some.Contains("is a counter, expected a gauge"));
            Assert.That(result.Details, Has.Some.Contains("no series with labels model"));
        });
    }

    [Test]
    public async Task ExecuteAsync_CounterDoesNotIncrease_FailedWithValues()
    {
        var check = new MetricsCheck
        {
            Path = "/static-metrics",
            Increases = [new IncreasingMetric("frozen_total", "GET", "/health", null, 2)],
        };

        var result = await CheckAsync(check);

        Assert.Multiple(() =>
        {
            Assert.That(result.Status, Is.EqualTo(CheckStatus.Failed));
            Assert.That(result.Details, Has.Some.Contains("frozen_total stayed at 4 -> 4"));
        });
    }

    [Test]
    public async Task ExecuteAsync_MalformedPage_FailedWithLineNumber()
    {
        var result = await CheckAsync(new MetricsCheck { Path = "/broken-metrics", Require = [new RequiredMetric("ok", null, [])] });

        Assert.Multiple(() =>
        {
            Assert.That(result.Status, Is.EqualTo(CheckStatus.Failed));
            Assert.That(result.Measure, Is.Zero);
            Assert.That(result.Message, Does.Contain("not valid Prometheus text format: line 3:"));
        });
    }

    [Test]
    public async Task ExecuteAsync_NoMetricsEndpoint_FailedWithStatus()
    {
        var result = await CheckAsync(new MetricsCheck { Path = "/metrics", Require = [new RequiredMetric("up", null, [])] });

        Assert.Multiple(() =>
        {
            Assert.That(result.Status, Is.EqualTo(CheckStatus.Failed));
            Assert.That(result.Message, Does.Contain("answered HTTP 404"));
            Assert.That(result.Values["missing"], Is.EqualTo("up"));
        });
    }
}
