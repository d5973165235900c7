using Grader.Rubrics.Model;
using Grader.Rubrics.Results;
using Grader.Runner.Probes;
using Grader.Runner.Service;
using Grader.Runner.Tests.Service;
using Microsoft.Extensions.Options;

namespace Grader.Runner.Tests.Probes;

[TestFixture]
[Category("Docker")]
[Category("Integration")]
public sealed class HttpProbeExecutorTests
{
    private const string StatusJson = """{"status":"ok","predictions":[{"label":"cat","score":0.90}],"count":3}""";

    private ServiceTestHost _host = null!;
    private ServiceStartOutcome _service = null!;

    [OneTimeSetUp]
    public async Task OneTimeSetUp()
    {
        _host = new ServiceTestHost();
        var site = new BusyboxSite()
            .File("/health", "ok")
            .File("/status.json", StatusJson)
            .File("/backtrack.txt", new string('a', 40) + "!")
            .Cgi("slow", "sleep 1; echo slow")
            .Cgi("stream", "while true; do echo aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa; done")
            .Cgi("trickle", "while true; do echo tick; sleep 1; done")
            .Cgi("echo", "echo \"$REQUEST_METHOD $CONTENT_TYPE\"; head -c \"$CONTENT_LENGTH\"");
        _service = await _host.StartReadyAsync(ServiceTestHost.Spec(site.Command()));
    }

    [OneTimeTearDown]
    public async Task OneTimeTearDown() => await _host.DisposeAsync();

    private static HttpProbeExecutor Executor(HttpProbeOptions? options = null) =>
        new(new ServiceHttpClient(), Options.Create(options ?? new HttpProbeOptions()));

    private Task<CheckResult> ProbeAsync(HttpProbeCheck check, HttpProbeOptions? options = null, ServiceStartOutcome? outcome = null) =>
        Executor(options).ExecuteAsync(ServiceTestHost.Criterion(check), _host.Context(outcome ?? _service), CancellationToken.None);

    [Test]
    public async Task ExecuteAsync_HealthAnswers200_PassedWithLatencyMeasure()
    {
        var result = await ProbeAsync(new HttpProbeCheck { Path = "/health", ExpectBodyRegex = "^ok$" });

        Assert.Multiple(() =>
        {
            Assert.That(result.Status, Is.EqualTo(CheckStatus.Passed), result.Message);
            Assert.That(result.Measure, Is.GreaterThan(0));
            Assert.That(result.Values["status"], Is.EqualTo("200"));
            Assert.That(result.Values["latency"], Does.EndWith(" ms"));
            Assert.That(result.Values["body"], Is.EqualTo("ok"));
        });
    }

    [Test]
    public async Task ExecuteAsync_JsonFieldsMatch_Passed()
    {
        var check = new HttpProbeCheck
        {
            Path = "/status.json",
            ExpectJson = new Dictionary<string, string> { ["status"] = "ok", ["predictions.0.label"] = "cat", ["predictions.0.score"] = "0.9", ["count"] = "*" },
        };

        var result = await ProbeAsync(check);

        Assert.That(result.Status, Is.EqualTo(CheckStatus.Passed), string.Join("; ", result.Details));
    }

    [Test]
    public async Task ExecuteAsync_JsonFieldWrongOrMissing_FailedNamingEachField()
    {
        var check = new HttpProbeCheck
        {
            Path = "/status.json",
            ExpectJson = new Dictionary<string, string> { ["status"] = "healthy", ["predictions.1.label"] = "*", ["model"] = "*" },
        };

        var result = await ProbeAsync(check);

        Assert.Multiple(() =>
        {
            Assert.That(result.Status, Is.EqualTo(CheckStatus.Failed));
            Assert.That(result.Details, Has.Some.Contains("'status' is ok, expected healthy"));
            Assert.That(result.Details, Has.Some.Contains("'predictions.1.label' is missing"));
            Assert.That(result.Details, Has.Some.Contains("'model' is missing"));
        });
    }

    [Test]
    public async Task ExecuteAsync_BodyIsNotJson_FailedSayingSo()
    {
        var result = await ProbeAsync(new HttpProbeCheck { Path = "/health", ExpectJson = new Dictionary<string, string> { ["status"] = "*" } });

        Assert.That(result.Details, Has.Some.StartsWith("the body is not JSON"));
    }

    [Test]
    public async Task ExecuteAsync_StatusDiffers_FailedWithStatusValue()
    {
        var result = await ProbeAsync(new HttpProbeCheck { Path = "/nope" });

        Assert.Multiple(() =>
        {
            Assert.That(result.Status, Is.EqualTo(CheckStatus.Failed));
            Assert.That(result.Values["status"], Is.EqualTo("404"));
            Assert.That(result.Message, Does.Contain("the status is 404, expected 200"));
            Assert.That(result.RequirementFailed, Is.True, "a fast wrong answer earns nothing from a latency credit rule");
        });
    }

    [Test]
    public async Task ExecuteAsync_BodyDoesNotMatchRegex_Failed()
    {
        var result = await ProbeAsync(new HttpProbeCheck { Path = "/status.json", ExpectBodyRegex = "\"status\":\\s*\"degraded\"" });

        Assert.Multiple(() =>
        {
            Assert.That(result.Status, Is.EqualTo(CheckStatus.Failed));
            Assert.That(result.Details, Has.Some.StartsWith("the body does not match"));
        });
    }

    [Test]
    public async Task ExecuteAsync_BacktrackingRegexOnHostileBody_FailedAsTooSlowInsteadOfHanging()
    {
        // A backreference forces the backtracking engine; (a+)+ on 40 a's and no match is exponential.
        var check = new HttpProbeCheck { Path = "/backtrack.txt", ExpectBodyRegex = @"^(a+)+\1$" };

        var result = await ProbeAsync(check, new HttpProbeOptions { RegexTimeout = TimeSpan.FromMilliseconds(100) });

        Assert.Multiple(() =>
        {
            Assert.That(result.Status, Is.EqualTo(CheckStatus.Failed));
            Assert.That(result.Details, Has.Some.Contains("took too long"));
        });
    }

    [Test]
    public async Task ExecuteAsync_LatencyOverCeiling_Failed()
    {
        var result = await ProbeAsync(new HttpProbeCheck { Path = "/cgi-bin/slow", MaxLatency = TimeSpan.FromMilliseconds(200) });

        Assert.Multiple(() =>
        {
            Assert.That(result.Status, Is.EqualTo(CheckStatus.Failed));
            Assert.That(result.Measure, Is.GreaterThan(200));
            Assert.That(result.Values["max_latency"], Is.EqualTo("200 ms"));
            Assert.That(result.Details, Has.Some.Contains("over the 200 ms ceiling"));
            Assert.That(result.RequirementFailed, Is.False, "latency is the measure: a credit rule may grade it");
        });
    }

    [Test]
    public async Task ExecuteAsync_BodyStreamsForever_ReadsOnlyTheLimitAndFails()
    {
        var result = await ProbeAsync(new HttpProbeCheck { Path = "/cgi-bin/stream" }, new HttpProbeOptions { MaxBodyBytes = 256 << 10 });

        Assert.Multiple(() =>
        {
            Assert.That(result.Status, Is.EqualTo(CheckStatus.Failed));
            Assert.That(result.Details, Has.Some.Contains("larger than 262144 bytes"));
            Assert.That(result.Values["body"], Has.Length.LessThanOrEqualTo(503));
        });
    }

    [Test]
    public async Task ExecuteAsync_BodyTricklesForever_FailedWithTimeout()
    {
        var result = await ProbeAsync(new HttpProbeCheck { Path = "/cgi-bin/trickle" }, new HttpProbeOptions { RequestTimeout = TimeSpan.FromSeconds(2) });

        Assert.Multiple(() =>
        {
            Assert.That(result.Status, Is.EqualTo(CheckStatus.Failed));
            Assert.That(result.Message, Does.Contain("no complete response within 2s"));
        });
    }

    [Test]
    public async Task ExecuteAsync_PostWithBodyAndHeaders_ServiceReceivesThem()
    {
        var check = new HttpProbeCheck
        {
            Method = "POST",
            Path = "/cgi-bin/echo",
            Body = """{"features": [1, 2, 3, 4]}""",
            Headers = new Dictionary<string, string> { ["Content-Type"] = "application/json" },
            ExpectBodyRegex = @"^POST application/json\n\{""features"": \[1, 2, 3, 4\]\}$",
        };

        var result = await ProbeAsync(check);

        Assert.That(result.Status, Is.EqualTo(CheckStatus.Passed), $"{result.Message} body: {result.Values["body"]}");
    }

    [Test]
    public async Task ExecuteAsync_NothingListensOnThePort_FailedNotGraderError()
    {
        var elsewhere = _service with { Service = new OtherPort(_service.Service!, 8099) };

        var result = await ProbeAsync(new HttpProbeCheck { Path = "/health" }, outcome: elsewhere);

        Assert.Multiple(() =>
        {
            Assert.That(result.Status, Is.EqualTo(CheckStatus.Failed));
            Assert.That(result.Message, Does.Contain("got no answer").And.Contain("refused"));
            Assert.That(result.Values["status"], Is.EqualTo("none"));
        });
    }

    /// <summary>The same real container, addressed on a port nothing listens on.</summary>
    private sealed class OtherPort(IRunningService inner, int port) : IRunningService
    {
        public string ContainerId => inner.ContainerId;
        public Uri BaseAddress => new UriBuilder(inner.BaseAddress) { Port = port }.Uri;
        public Task<string> GetLogsAsync(CancellationToken cancellationToken) => inner.GetLogsAsync(cancellationToken);
        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
