using Docker.DotNet;
using Docker.DotNet.Models;
using Grader.Runner.Docker;
using ServiceSpec = Grader.Rubrics.Model.ServiceSpec;
using Microsoft.Extensions.Logging;

namespace Grader.Runner.Service;

/// <summary>A learner's service container on its own internal network. Disposing removes both.</summary>
internal sealed partial class DockerRunningService : IRunningService
{
    private readonly IDockerClient _docker;
    private readonly HostIngressGuard? _guard;
    private readonly ServiceLauncherOptions _options;
    private readonly ILogger _logger;
    private Uri _baseAddress;
    private int _disposed;

    public DockerRunningService(
        IDockerClient docker,
        string containerId,
        ServiceNetwork network,
        ServiceSpec spec,
        HostIngressGuard? guard,
        ServiceLauncherOptions options,
        ILogger logger)
    {
        _docker = docker;
        ContainerId = containerId;
        Network = network;
        Spec = spec;
        _guard = guard;
        _options = options;
        _logger = logger;
        _baseAddress = new Uri("http://0.0.0.0/");
    }

    public string ContainerId { get; }

    public ServiceNetwork Network { get; }

    public string? NetworkName => Network.Name;

    public ServiceSpec Spec { get; }

    /// <summary>The service's address on its network; refreshed after a restart (the address may change).</summary>
    public Uri BaseAddress => Volatile.Read(ref _baseAddress);

    public Task<string> GetLogsAsync(CancellationToken cancellationToken) =>
        DockerCalls.RunAsync("read the service log", () => BoundedLogReader.ReadTailAsync(_docker, ContainerId, _options.MaxLogBytes, cancellationToken));

    /// <summary>Reads the container's state and, when it is running, its current address on the service network.</summary>
    public async Task<ContainerState> InspectAsync(CancellationToken cancellationToken)
    {
        var inspect = await DockerCalls.RunAsync("inspect the service container", () => _docker.Containers.InspectContainerAsync(ContainerId, cancellationToken)).ConfigureAwait(false);
        if (inspect.State.Running
            && inspect.NetworkSettings?.Networks is { } networks
            && networks.TryGetValue(Network.Name, out var endpoint)
            && !string.IsNullOrEmpty(endpoint.IPAddress))
        {
            Volatile.Write(ref _baseAddress, new Uri($"http://{endpoint.IPAddress}:{Spec.Port}/"));
        }
        return inspect.State;
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1) return;
        // Best effort on every step: a leftover keeps its labels and the runner's sweep removes it.
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        try
        {
            await _docker.Containers.RemoveContainerAsync(ContainerId, new ContainerRemoveParameters { Force = true }, timeout.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (InfrastructureFailures.IsEngineFailure(e) || e is OperationCanceledException)
        {
            LogCleanupFailed(_logger, "container", ContainerId, e);
        }
        await Network.DisposeAsync(_docker, _guard, _logger, timeout.Token).ConfigureAwait(false);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not remove service {What} {Id}; the runner's sweep will")]
    internal static partial void LogCleanupFailed(ILogger logger, string what, string id, Exception exception);
}
