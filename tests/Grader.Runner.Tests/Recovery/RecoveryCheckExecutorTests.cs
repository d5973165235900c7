using Grader.Rubrics.Model;
using Grader.Rubrics.Results;
using Grader.Runner.Recovery;
using Grader.Runner.Service;
using Grader.Runner.Tests.Service;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Grader.Runner.Tests.Recovery;

[TestFixture]
[Category("Docker")]
[Category("Integration")]
public sealed class RecoveryCheckExecutorTests
{
    private ServiceTestHost _host = null!;

    [SetUp]
    public void SetUp() => _host = new ServiceTestHost();

    [TearDown]
    public async Task TearDown() => await _host.DisposeAsync();

    private async Task<(CheckResult Result, global::Grader.Runner.Checks.GradingContext Context)> RunAsync(ServiceSpec spec, RecoveryFault fault, TimeSpan slo)
    {
        var outcome = await _host.StartReadyAsync(spec);
        var context = _host.Context(outcome);
        var executor = new RecoveryCheckExecutor(_host.Docker, _host.Http, Options.Create(new RecoveryOptions { MaxObservationBeyondSlo = TimeSpan.FromSeconds(10) }),
            Options.Create(new ServiceLauncherOptions()), NullLogger<RecoveryCheckExecutor>.Instance);
        var result = await executor.ExecuteAsync(ServiceTestHost.Criterion(new RecoveryCheck { Fault = fault, Slo = slo }), context, CancellationToken.None);
        return (result, context);
    }

    private async Task<bool> HealthyAsync(global::Grader.Runner.Checks.GradingContext context) =>
        (await _host.Http.SendAsync(context.ServiceStart!.Service!.BaseAddress, new ServiceRequest("GET", "/health"), CancellationToken.None)).IsSuccess;

    private static readonly BusyboxSite Healthy = new BusyboxSite().File("/health", "ok");

    [Test]
    public async Task ExecuteAsync_KillProcessWithOnFailurePolicy_RecoversWithinSloAndServiceStaysUsable()
    {
        var (result, context) = await RunAsync(ServiceTestHost.Spec(Healthy.Command()), RecoveryFault.KillProcess, TimeSpan.FromSeconds(20));

        Assert.Multiple(async () =>
        {
            Assert.That(result.Status, Is.EqualTo(CheckStatus.Passed), result.Message);
            Assert.That(result.Measure, Is.GreaterThan(0).And.LessThan(20_000));
            Assert.That(result.Values["slo"], Is.EqualTo("20s"));
            Assert.That(context.ServiceStart!.Ready, Is.True);
            Assert.That(await HealthyAsync(context), Is.True);
        });
    }

    [Test]
    public async Task ExecuteAsync_KillProcessWhenPid1IsAShellWrapper_ContainerRestarts()
    {
        var (result, _) = await RunAsync(ServiceTestHost.Spec(Healthy.Command(exec: false)), RecoveryFault.KillProcess, TimeSpan.FromSeconds(20));

        Assert.That(result.Status, Is.EqualTo(CheckStatus.Passed), result.Message);
    }

    [Test]
    public async Task ExecuteAsync_KillContainerWithAlwaysPolicy_Recovers()
    {
        var (result, _) = await RunAsync(ServiceTestHost.Spec(Healthy.Command(), restart: "always"), RecoveryFault.KillContainer, TimeSpan.FromSeconds(20));

        Assert.That(result.Status, Is.EqualTo(CheckStatus.Passed), result.Message);
    }

    [Test]
    public async Task ExecuteAsync_KillContainerWithPolicyNo_FailsSayingThePolicyDoesNotRestart()
    {
        var (result, context) = await RunAsync(ServiceTestHost.Spec(Healthy.Command(), restart: "no"), RecoveryFault.KillContainer, TimeSpan.FromSeconds(5));

        Assert.Multiple(async () =>
        {
            Assert.That(result.Status, Is.EqualTo(CheckStatus.Failed));
            Assert.That(result.Message, Does.Contain("restart policy 'no' does not restart it"));
            Assert.That(result.Values["recovery_time"], Is.EqualTo("not recovered"));
            Assert.That(await HealthyAsync(context), Is.True, "the executor starts the service again for later checks");
        });
    }

    [Test]
    public async Task ExecuteAsync_SlowStartAfterKill_FailedWithMeasuredTimeOverSlo()
    {
        // Every start, the first one included, takes 3 s before the port opens.
        var spec = ServiceTestHost.Spec(new BusyboxSite().File("/health", "ok").Before("sleep 3").Command());

        var (result, _) = await RunAsync(spec, RecoveryFault.KillProcess, TimeSpan.FromSeconds(1));

        Assert.Multiple(() =>
        {
            Assert.That(result.Status, Is.EqualTo(CheckStatus.Failed));
            Assert.That(result.Measure, Is.GreaterThan(1000));
            Assert.That(result.Message, Does.Contain("the SLO is 1s"));
        });
    }

    [Test]
    public async Task ExecuteAsync_GracefulShutdownWithTermHandler_PassedWithExitCodeZero()
    {
        var script = "mkdir -p /tmp/www; echo ok > /tmp/www/health; httpd -f -p 8080 -h /tmp/www & pid=$!; " +
                     "trap 'kill $pid; wait $pid; exit 0' TERM; wait $pid";
        var (result, context) = await RunAsync(ServiceTestHost.Spec(["sh", "-c", script]), RecoveryFault.GracefulShutdown, TimeSpan.FromSeconds(10));

        Assert.Multiple(async () =>
        {
            Assert.That(result.Status, Is.EqualTo(CheckStatus.Passed), result.Message);
            Assert.That(result.Message, Does.Contain("exit code 0"));
            Assert.That(await HealthyAsync(context), Is.True, "started again for later checks");
        });
    }

    [Test]
    public async Task ExecuteAsync_GracefulShutdownIgnoredByPid1_FailedAndKilled()
    {
        // httpd as PID 1 installs no SIGTERM handler, so the kernel drops the signal.
        var (result, _) = await RunAsync(ServiceTestHost.Spec(Healthy.Command()), RecoveryFault.GracefulShutdown, TimeSpan.FromSeconds(2));

        Assert.Multiple(() =>
        {
            Assert.That(result.Status, Is.EqualTo(CheckStatus.Failed));
            Assert.That(result.Message, Does.Contain("did not exit within 2s after SIGTERM"));
        });
    }
}
