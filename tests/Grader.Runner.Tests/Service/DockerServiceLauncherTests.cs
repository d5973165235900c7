using Grader.Runner.Service;

namespace Grader.Runner.Tests.Service;

[TestFixture]
[Category("Docker")]
[Category("Integration")]
public sealed class DockerServiceLauncherTests
{
    private ServiceTestHost _host = null!;

    [SetUp]
    public void SetUp() => _host = new ServiceTestHost();

    [TearDown]
    public async Task TearDown() => await _host.DisposeAsync();

    [Test]
    public async Task StartAsync_ServiceAnswersHealth_ReadyAndReachableFromRunner()
    {
        var site = new BusyboxSite().File("/health", "ok");

        var outcome = await _host.StartAsync(ServiceTestHost.Spec(site.Command()));

        Assert.That(outcome.Ready, Is.True, outcome.Error);
        var response = await _host.Http.SendAsync(outcome.Service!.BaseAddress, new ServiceRequest("GET", "/health"), CancellationToken.None);
        Assert.Multiple(() =>
        {
            Assert.That(outcome.Error, Is.Null);
            Assert.That(response.Status, Is.EqualTo(200));
            Assert.That(response.BodyText, Is.EqualTo("ok"));
            Assert.That(outcome.Service.BaseAddress.Port, Is.EqualTo(8080));
        });
    }

    [Test]
    public async Task StartAsync_AnyService_NoCoreDumpsAndBoundedFilesAndProcesses()
    {
        var site = new BusyboxSite().File("/health", "ok").Before("cat /proc/self/limits");

        var outcome = await _host.StartAsync(ServiceTestHost.Spec(site.Command()));

        Assert.That(outcome.Ready, Is.True, outcome.Error);
        Assert.Multiple(() =>
        {
            Assert.That(outcome.Logs, Does.Match(@"Max core file size\s+0\s+0\s"));
            Assert.That(outcome.Logs, Does.Match(@"Max open files\s+4096\s+4096\s"));
            Assert.That(outcome.Logs, Does.Match(@"Max processes\s+1024\s+1024\s"));
        });
    }

    [Test]
    public async Task StartAsync_HealthNeverAnswers2xx_NotReadyWithErrorAndLogExcerpt()
    {
        var site = new BusyboxSite().Before("echo booting-marker");
        var spec = ServiceTestHost.Spec(site.Command()) with { ReadinessTimeout = TimeSpan.FromSeconds(2) };

        var outcome = await _host.StartAsync(spec);

        Assert.Multiple(() =>
        {
            Assert.That(outcome.Ready, Is.False);
            Assert.That(outcome.Service, Is.Not.Null, "the started container is handed over so it is disposed");
            Assert.That(outcome.Error, Does.Contain("not ready within 2s").And.Contain("GET /health").And.Contain("HTTP 404"));
            Assert.That(outcome.Logs, Does.Contain("booting-marker"));
        });
    }

    [Test]
    public async Task StartAsync_ServiceExitsWithRestartPolicyNo_NotReadyWithExitCode()
    {
        var spec = ServiceTestHost.Spec(["sh", "-c", "echo crashing-now; exit 3"], restart: "no");

        var outcome = await _host.StartAsync(spec);

        Assert.Multiple(() =>
        {
            Assert.That(outcome.Ready, Is.False);
            Assert.That(outcome.Error, Does.Contain("exited with code 3").And.Contain("restart policy 'no'"));
            Assert.That(outcome.Logs, Does.Contain("crashing-now"));
        });
    }

    [Test]
    public async Task StartAsync_NoReadinessPathAndNoHealthcheck_ReadyOnTcpConnect()
    {
        var site = new BusyboxSite(); // nothing served: only the port answers
        var spec = ServiceTestHost.Spec(site.Command()) with { ReadinessPath = null };

        var outcome = await _host.StartAsync(spec);

        Assert.That(outcome.Ready, Is.True, outcome.Error);
    }

    [Test]
    public async Task StartAsync_CommandNotInImage_NotReadyWithLearnerFacingError()
    {
        var outcome = await _host.StartAsync(ServiceTestHost.Spec(["/no/such/server"]));

        Assert.Multiple(() =>
        {
            Assert.That(outcome.Ready, Is.False);
            Assert.That(outcome.Error, Does.StartWith("The service container could not start").And.Contain("/no/such/server"));
        });
    }

    [Test]
    public async Task StartAsync_Always_ContainerIsHardenedOnAnInternalNetwork()
    {
        var outcome = await _host.StartReadyAsync(ServiceTestHost.Spec(new BusyboxSite().File("/health", "ok").Command(), restart: "always"));

        var container = await _host.Docker.Containers.InspectContainerAsync(outcome.Service!.ContainerId);
        var networkName = container.NetworkSettings.Networks.Keys.Single();
        var network = await _host.Docker.Networks.InspectNetworkAsync(networkName);
        Assert.Multiple(() =>
        {
            Assert.That(container.HostConfig.ReadonlyRootfs, Is.True);
            Assert.That(container.HostConfig.CapDrop, Is.EqualTo(new[] { "ALL" }));
            Assert.That(container.HostConfig.SecurityOpt, Does.Contain("no-new-privileges"));
            Assert.That(container.Config.User, Is.EqualTo("65534:65534"), "busybox has no USER, so the fallback non-root user");
            Assert.That(container.HostConfig.Memory, Is.EqualTo(128L << 20));
            Assert.That(container.HostConfig.MemorySwap, Is.EqualTo(128L << 20));
            Assert.That(container.HostConfig.PidsLimit, Is.EqualTo(64));
            Assert.That(container.HostConfig.Tmpfs.Keys, Does.Contain("/tmp"));
            Assert.That(container.HostConfig.RestartPolicy.Name.ToString(), Is.EqualTo("Always"));
            Assert.That(network.Internal, Is.True);
            Assert.That(network.Labels[global::Grader.Runner.Docker.DockerLabels.RunnerId], Is.EqualTo(_host.RunnerId));
            Assert.That(container.Config.Labels[global::Grader.Runner.Docker.DockerLabels.RunnerId], Is.EqualTo(_host.RunnerId));
        });
    }
}
