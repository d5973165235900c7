using Grader.Rubrics.Model;
using Grader.Rubrics.Results;
using Grader.Runner.Docker;
using Grader.Runner.Probes;
using Grader.Runner.Service;
using Grader.Runner.Tests.Service;
using Microsoft.Extensions.Options;

namespace Grader.Runner.Tests.Probes;

/// <summary>Service checks without a ready service: not run (learner) or grader error (pipeline), never a failure.</summary>
[TestFixture]
[Category("Integration")]
public sealed class ServiceCheckPreconditionsTests
{
    private static async Task<CheckResult> ProbeAsync(Action<global::Grader.Runner.Checks.GradingContext> arrange)
    {
        await using var host = new ServiceTestHost();
        var context = host.Context(null);
        arrange(context);
        using var http = new ServiceHttpClient();
        var executor = new HttpProbeExecutor(http, Options.Create(new HttpProbeOptions()));
        return await executor.ExecuteAsync(ServiceTestHost.Criterion(new HttpProbeCheck { Path = "/health" }), context, CancellationToken.None);
    }

    [Test]
    public async Task ExecuteAsync_ServiceNeverBecameReady_NotRunWithReadinessErrorAndLog()
    {
        var result = await ProbeAsync(c => c.ServiceStart = new ServiceStartOutcome(null, false, TimeSpan.FromSeconds(60), "The service was not ready within 1m00s", "Traceback: boom"));

        Assert.Multiple(() =>
        {
            Assert.That(result.Status, Is.EqualTo(CheckStatus.NotRun));
            Assert.That(result.Message, Is.EqualTo("The service was not ready within 1m00s"));
            Assert.That(result.Logs.Single().Text, Is.EqualTo("Traceback: boom"));
        });
    }

    [Test]
    public async Task ExecuteAsync_ImageDidNotBuild_NotRun()
    {
        var result = await ProbeAsync(c => c.Build = new ImageBuildOutcome(false, null, "log", false, TimeSpan.Zero, false, "syntax error"));

        Assert.That(result.Status, Is.EqualTo(CheckStatus.NotRun));
    }

    [Test]
    public async Task ExecuteAsync_PipelineNeverStartedTheService_GraderError()
    {
        var result = await ProbeAsync(_ => { });

        Assert.That(result.Status, Is.EqualTo(CheckStatus.GraderError));
    }
}
