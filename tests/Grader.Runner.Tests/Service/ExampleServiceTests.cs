using System.Formats.Tar;
using Docker.DotNet.Models;
using Grader.Rubrics.Model;
using Grader.Rubrics.Results;
using Grader.Runner.Docker;
using Grader.Runner.Metrics;
using Grader.Runner.Probes;
using Grader.Runner.Recovery;
using Grader.Runner.Service;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using ServiceSpec = Grader.Rubrics.Model.ServiceSpec;

namespace Grader.Runner.Tests.Service;

/// <summary>The bundled MOD-101 Lab 3 examples meet or miss the service criteria of their rubric.</summary>
[TestFixture]
[Category("Docker")]
[Category("Integration")]
public sealed class ExampleServiceTests
{
    private static readonly ServiceSpec PythonService = new() { Environment = new Dictionary<string, string> { ["PORT"] = "8080" }, ReadinessTimeout = TimeSpan.FromSeconds(60) };

    private ServiceTestHost _host = null!;
    private readonly List<string> _images = [];

    [OneTimeSetUp]
    public void OneTimeSetUp() => _host = new ServiceTestHost();

    [OneTimeTearDown]
    public async Task OneTimeTearDown()
    {
        foreach (var image in _images) await _host.Docker.Images.DeleteImageAsync(image, new ImageDeleteParameters { Force = true });
        await _host.DisposeAsync();
    }

    private static string ExampleDirectory(string example)
    {
        var dir = new DirectoryInfo(TestContext.CurrentContext.TestDirectory);
        while (dir is not null && !Directory.Exists(Path.Combine(dir.FullName, "examples"))) dir = dir.Parent;
        return Path.Combine(dir!.FullName, "examples", example);
    }

    private async Task<ServiceStartOutcome> StartExampleAsync(string example, TimeSpan? readinessTimeout = null)
    {
        var tag = $"grader-test-{example.Replace('/', '-')}:{_host.RunnerId}";
        using var context = new MemoryStream();
        await using (var tar = new TarWriter(context, TarEntryFormat.Pax, leaveOpen: true))
        {
            foreach (var file in Directory.GetFiles(ExampleDirectory(example), "*", SearchOption.AllDirectories))
                await tar.WriteEntryAsync(file, Path.GetRelativePath(ExampleDirectory(example), file));
        }
        context.Position = 0;
        await _host.Docker.Images.BuildImageFromDockerfileAsync(
            new ImageBuildParameters { Tags = [tag], Labels = DockerLabels.For(_host.RunnerId, "job-1", "build"), Remove = true, ForceRemove = true },
            context, null, null, new Progress<JSONMessage>());
        _images.Add(tag);
        return await _host.StartAsync(PythonService with { ReadinessTimeout = readinessTimeout ?? PythonService.ReadinessTimeout }, image: tag);
    }

    private global::Grader.Runner.Checks.GradingContext Context(ServiceStartOutcome outcome) => _host.Context(outcome);

    private static MetricsCheck Lab3Metrics => new()
    {
        Require =
        [
            new RequiredMetric("predictions_total", "counter", []),
            new RequiredMetric("http_requests_total", "counter", ["method", "path", "status"]),
        ],
        Increases = [new IncreasingMetric("predictions_total", "POST", "/predict", """{"features": [1, 2, 3, 4]}""", 5)],
    };

    [Test]
    public async Task Lab3Passing_ServiceCriteria_AllMet()
    {
        var outcome = await StartExampleAsync("mod-101-lab3/passing");
        Assert.That(outcome.Ready, Is.True, outcome.Error);
        var context = Context(outcome);
        var probes = new HttpProbeExecutor(_host.Http, Options.Create(new HttpProbeOptions()));
        var json = new Dictionary<string, string> { ["Content-Type"] = "application/json" };

        var health = await probes.ExecuteAsync(ServiceTestHost.Criterion(new HttpProbeCheck { Path = "/health", ExpectJson = new Dictionary<string, string> { ["status"] = "ok" }, MaxLatency = TimeSpan.FromMilliseconds(500) }), context, CancellationToken.None);
        var predict = await probes.ExecuteAsync(ServiceTestHost.Criterion(new HttpProbeCheck { Method = "POST", Path = "/predict", Body = """{"features": [1, 2, 3, 4]}""", Headers = json, ExpectJson = new Dictionary<string, string> { ["prediction"] = "*", ["model_version"] = "*" } }), context, CancellationToken.None);
        var bad = await probes.ExecuteAsync(ServiceTestHost.Criterion(new HttpProbeCheck { Method = "POST", Path = "/predict", Body = """{"features": "not a list"}""", Headers = json, ExpectStatus = 400, ExpectJson = new Dictionary<string, string> { ["error"] = "*" } }), context, CancellationToken.None);
        var metrics = await new MetricsCheckExecutor(_host.Http, Options.Create(new MetricsCheckOptions())).ExecuteAsync(ServiceTestHost.Criterion(Lab3Metrics), context, CancellationToken.None);
        var recovery = await new RecoveryCheckExecutor(_host.Docker, _host.Http, Options.Create(new RecoveryOptions()), Options.Create(new ServiceLauncherOptions()), NullLogger<RecoveryCheckExecutor>.Instance)
            .ExecuteAsync(ServiceTestHost.Criterion(new RecoveryCheck { Fault = RecoveryFault.GracefulShutdown, Slo = TimeSpan.FromSeconds(10) }), context, CancellationToken.None);

        Assert.Multiple(() =>
        {
            Assert.That(health.Status, Is.EqualTo(CheckStatus.Passed), health.Message);
            Assert.That(predict.Status, Is.EqualTo(CheckStatus.Passed), predict.Message);
            Assert.That(bad.Status, Is.EqualTo(CheckStatus.Passed), bad.Message);
            Assert.That(metrics.Status, Is.EqualTo(CheckStatus.Passed), string.Join("; ", metrics.Details));
            Assert.That(recovery.Status, Is.EqualTo(CheckStatus.Passed), recovery.Message);
        });
    }

    [Test]
    public async Task Lab3NoMetrics_MetricsCriterion_NotMet()
    {
        var outcome = await StartExampleAsync("mod-101-lab3/no-metrics");

        var metrics = await new MetricsCheckExecutor(_host.Http, Options.Create(new MetricsCheckOptions())).ExecuteAsync(ServiceTestHost.Criterion(Lab3Metrics), Context(outcome), CancellationToken.None);

        Assert.Multiple(() =>
        {
            Assert.That(outcome.Ready, Is.True, outcome.Error);
            Assert.That(metrics.Status, Is.EqualTo(CheckStatus.Failed));
            Assert.That(metrics.Message, Does.Contain("HTTP 404"));
        });
    }

    [Test]
    public async Task Lab3BrokenHealth_ServiceNeverReady_ProbesNotRun()
    {
        var outcome = await StartExampleAsync("mod-101-lab3/broken-health", TimeSpan.FromSeconds(8));
        var limited = outcome;

        var health = await new HttpProbeExecutor(_host.Http, Options.Create(new HttpProbeOptions()))
            .ExecuteAsync(ServiceTestHost.Criterion(new HttpProbeCheck { Path = "/health" }), Context(limited), CancellationToken.None);

        Assert.Multiple(() =>
        {
            Assert.That(outcome.Ready, Is.False);
            Assert.That(outcome.Error, Does.Contain("HTTP 500"));
            Assert.That(health.Status, Is.EqualTo(CheckStatus.NotRun));
        });
    }
}
