using System.Net;
using System.Net.Sockets;
using Docker.DotNet.Models;
using Grader.Runner.Docker;
using Grader.Runner.Service;

namespace Grader.Runner.Tests.Service;

/// <summary>The service reaches neither other networks nor the runner host; the runner reaches the service.</summary>
[TestFixture]
[Category("Docker")]
[Category("Integration")]
public sealed class ServiceIsolationTests
{
    private ServiceTestHost _host = null!;
    private TcpListener _hostListener = null!;
    private string _otherIp = null!;

    [OneTimeSetUp]
    public async Task OneTimeSetUp()
    {
        _host = new ServiceTestHost();
        await BaseImages.EnsureBusyboxAsync(_host.Docker, CancellationToken.None);
        // Something listening on every host address, as a bot or database on the runner host might.
        _hostListener = new TcpListener(IPAddress.Any, 0);
        _hostListener.Start();
        // Another (ordinary) network with a server on it.
        var labels = DockerLabels.For(_host.RunnerId, "job-1", "other");
        var network = await _host.Docker.Networks.CreateNetworkAsync(new NetworksCreateParameters { Name = "grader-test-other-" + _host.RunnerId, Labels = labels });
        var other = await _host.Docker.Containers.CreateContainerAsync(new CreateContainerParameters
        {
            Image = BaseImages.Busybox,
            Cmd = ["sh", "-c", "mkdir -p /tmp/w && echo hi > /tmp/w/index.html && exec httpd -f -p 8080 -h /tmp/w"],
            Labels = labels,
            HostConfig = new HostConfig { NetworkMode = network.ID },
        });
        await _host.Docker.Containers.StartContainerAsync(other.ID, new ContainerStartParameters());
        var inspect = await _host.Docker.Containers.InspectContainerAsync(other.ID);
        _otherIp = inspect.NetworkSettings.Networks.Values.Single().IPAddress;
        // The other server is up (the runner reaches it), so "blocked" below means the service cannot.
        var answered = await PollingDeadline.UntilAsync(
            async ct => (await _host.Http.SendAsync(new Uri($"http://{_otherIp}:8080/"), new ServiceRequest("GET", "/index.html"), ct)).IsSuccess,
            TimeSpan.FromSeconds(20), CancellationToken.None);
        Assert.That(answered, Is.Not.Null, "the server on the other network never answered the runner");
    }

    [OneTimeTearDown]
    public async Task OneTimeTearDown()
    {
        _hostListener.Dispose();
        await _host.DisposeAsync();
    }

    private async Task<string> ProbeFromServiceAsync(ServiceLauncherOptions options)
    {
        var port = ((IPEndPoint)_hostListener.LocalEndpoint).Port;
        var site = new BusyboxSite().File("/health", "ok").Before(
            "GW=$(ip route | awk '/default/ {print $3}'); " +
            "if nc -w 2 $GW $HOST_PORT -e true; then echo HOST=reachable; else echo HOST=blocked; fi; " +
            "if nc -w 2 $OTHER_IP 8080 -e true; then echo OTHER=reachable; else echo OTHER=blocked; fi");
        var spec = ServiceTestHost.Spec(site.Command()) with
        {
            Environment = new Dictionary<string, string> { ["HOST_PORT"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture), ["OTHER_IP"] = _otherIp },
        };
        var outcome = await _host.StartReadyAsync(spec, options);
        return outcome.Logs;
    }

    [Test]
    public async Task StartAsync_WithHostGuard_ServiceReachesNeitherHostNorOtherNetwork()
    {
        var logs = await ProbeFromServiceAsync(new ServiceLauncherOptions());

        Assert.Multiple(() =>
        {
            Assert.That(logs, Does.Contain("HOST=blocked"));
            Assert.That(logs, Does.Contain("OTHER=blocked"));
        });
    }

    [Test]
    public async Task StartAsync_WithoutHostGuard_ServiceReachesHostButNotOtherNetwork()
    {
        // The control: an internal network alone leaves the host open, which is why the guard exists.
        var logs = await ProbeFromServiceAsync(new ServiceLauncherOptions { BlockServiceToHost = false });

        Assert.Multiple(() =>
        {
            Assert.That(logs, Does.Contain("HOST=reachable"));
            Assert.That(logs, Does.Contain("OTHER=blocked"));
        });
    }
}
