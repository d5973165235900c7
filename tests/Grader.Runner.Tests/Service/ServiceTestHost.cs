using Docker.DotNet;
using Docker.DotNet.Models;
using Grader.Rubrics.Model;
using Grader.Runner.Checks;
using Grader.Runner.Docker;
using Grader.Runner.Service;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using ServiceSpec = Grader.Rubrics.Model.ServiceSpec;

namespace Grader.Runner.Tests.Service;

/// <summary>
/// Starts real services on the local engine for tests, under a runner id of its own, and removes
/// everything carrying that id afterwards.
/// </summary>
internal sealed class ServiceTestHost : IAsyncDisposable
{
    private readonly List<IRunningService> _services = [];

    public ServiceTestHost()
    {
        Docker = DockerClientFactory.Create();
    }

    public DockerClient Docker { get; }

    public string RunnerId { get; } = "test-" + Guid.NewGuid().ToString("N")[..16];

    public ServiceHttpClient Http { get; } = new();

    public static ServiceSpec Spec(IReadOnlyList<string> command, string restart = "on-failure") => new()
    {
        Command = command,
        ReadinessTimeout = TimeSpan.FromSeconds(30),
        RestartPolicy = restart,
    };

    public DockerServiceLauncher Launcher(ServiceLauncherOptions? options = null) =>
        new(Docker, Options.Create(options ?? new ServiceLauncherOptions()), NullLogger<DockerServiceLauncher>.Instance);

    public async Task<ServiceStartOutcome> StartAsync(ServiceSpec spec, ServiceLauncherOptions? options = null, string image = BaseImages.Busybox)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await BaseImages.EnsureBusyboxAsync(Docker, timeout.Token);
        using var launcher = Launcher(options);
        var outcome = await launcher.StartAsync(
            new ServiceLaunchRequest(image, spec, new SandboxLimits { Memory = new ByteSize(128L << 20), Pids = 64 }, DockerLabels.For(RunnerId, "job-1", "service"), []),
            timeout.Token);
        if (outcome.Service is not null) _services.Add(outcome.Service);
        return outcome;
    }

    /// <summary>Starts and requires readiness (the tests that need a working service).</summary>
    public async Task<ServiceStartOutcome> StartReadyAsync(ServiceSpec spec, ServiceLauncherOptions? options = null)
    {
        var outcome = await StartAsync(spec, options);
        Assert.That(outcome.Ready, Is.True, () => $"service not ready: {outcome.Error}\n{outcome.Logs}");
        return outcome;
    }

    public GradingContext Context(ServiceStartOutcome? outcome) => new()
    {
        JobId = "job-1",
        RunnerId = RunnerId,
        Rubric = new Rubric
        {
            Module = new ModuleInfo("TEST-1", "Test"),
            Competencies = [],
            Criteria = [],
        },
        SubmissionDirectory = Path.GetTempPath(),
        WorkDirectory = Path.GetTempPath(),
        ServiceStart = outcome,
    };

    public static Criterion Criterion(CheckSpec check) => new() { Id = "criterion", Title = "Criterion", Points = 10, Check = check };

    public async Task<(IList<ContainerListResponse> Containers, IList<NetworkResponse> Networks)> LeftoversAsync()
    {
        var filter = new Dictionary<string, IDictionary<string, bool>>
        {
            ["label"] = new Dictionary<string, bool> { [$"{DockerLabels.RunnerId}={RunnerId}"] = true },
        };
        var containers = await Docker.Containers.ListContainersAsync(new ContainersListParameters { All = true, Filters = filter });
        var networks = await Docker.Networks.ListNetworksAsync(new NetworksListParameters { Filters = filter });
        return (containers, networks);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var service in _services) await service.DisposeAsync();
        // Safety net: whatever a failed test left behind under this runner id only.
        var (containers, networks) = await LeftoversAsync();
        foreach (var container in containers)
            await Docker.Containers.RemoveContainerAsync(container.ID, new ContainerRemoveParameters { Force = true });
        foreach (var network in networks)
            await Docker.Networks.DeleteNetworkAsync(network.ID);
        Http.Dispose();
        Docker.Dispose();
    }
}
