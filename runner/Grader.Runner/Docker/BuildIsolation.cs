using Docker.DotNet;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Grader.Runner.Docker;

/// <summary>What a build runs inside: its cgroup parent (null when the operator turned the limit off) and its network.</summary>
internal sealed class BuildSandbox(BuildIsolation owner, BuildCgroup? cgroup, BuildNetworkLease? network) : IAsyncDisposable
{
    public BuildCgroup? Cgroup { get; } = cgroup;

    /// <summary>The engine's network mode for the build: <c>none</c>, or the build's guarded network.</summary>
    public string NetworkMode => network?.Name ?? "none";

    public ValueTask DisposeAsync() => owner.ReleaseAsync(Cgroup, network);
}

/// <summary>
/// Prepares the isolation of one build (its cgroup with process and memory limits, its network) and removes it
/// afterwards; sweeps what a crashed runner left (cgroups, firewall rules).
/// </summary>
public sealed partial class BuildIsolation
{
    private readonly BuildCgroups _cgroups;
    private readonly BuildNetworkGuard _network;
    private readonly ILogger _logger;
    private readonly Uri _endpoint;

    public BuildIsolation(IDockerClient docker, ILogger<BuildIsolation>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(docker);
        _logger = (ILogger?)logger ?? NullLogger.Instance;
        _endpoint = docker.Configuration.EndpointBaseUri;
        _cgroups = new BuildCgroups(docker, _logger);
        _network = new BuildNetworkGuard(docker, new HostIngressGuard());
    }

    internal async Task<BuildSandbox> PrepareAsync(BuildIdentity identity, ImageBuildRequest request, CancellationToken cancellationToken)
    {
        if (request.CgroupLimits && _endpoint.Scheme != "unix")
        {
            // Limits written to this host's cgroupfs bind only an engine on this host.
            throw new GraderInfrastructureException(
                $"Build process limits need the Docker engine on the runner's host (a unix socket), not {_endpoint.Scheme}://: run the runner beside the engine, " +
                "or set Grader:Runner:BuildCgroupLimits=false to build without a process limit (only where learner code is trusted).");
        }
        var cgroup = request.CgroupLimits
            ? await _cgroups.CreateAsync(identity.RunnerId, identity.JobId, request.Pids, request.MemoryBytes, cancellationToken).ConfigureAwait(false)
            : null;
        try
        {
            var network = request.Network == BuildNetwork.Egress
                ? await _network.CreateAsync(identity.RunnerId, identity.JobId, DockerLabels.For(identity.RunnerId, identity.JobId, "build"), cancellationToken).ConfigureAwait(false)
                : null;
            return new BuildSandbox(this, cgroup, network);
        }
        catch
        {
            if (cgroup is not null) await _cgroups.RemoveAsync(cgroup, CancellationToken.None).ConfigureAwait(false);
            throw;
        }
    }

    internal async ValueTask ReleaseAsync(BuildCgroup? cgroup, BuildNetworkLease? network)
    {
        if (network is not null)
        {
            try
            {
                await _network.RemoveAsync(network, CancellationToken.None).ConfigureAwait(false);
            }
            catch (Exception e) when (InfrastructureFailures.IsInfrastructure(e))
            {
                LogReleaseFailed(_logger, network.Name, e);
            }
        }
        if (cgroup is not null) await _cgroups.RemoveAsync(cgroup, CancellationToken.None).ConfigureAwait(false);
    }

    /// <summary>Removes a crashed runner's build cgroups and build firewall rules; returns how many objects went.</summary>
    public async Task<int> SweepAsync(string runnerId, CancellationToken cancellationToken)
    {
        var cgroups = await _cgroups.SweepAsync(runnerId, cancellationToken).ConfigureAwait(false);
        int rules;
        try
        {
            rules = await BuildNetworkGuard.SweepAsync(runnerId, cancellationToken).ConfigureAwait(false);
        }
        catch (GraderInfrastructureException e)
        {
            // No iptables (a runner that never used egress builds): nothing of ours can be there.
            LogRuleSweepSkipped(_logger, e.Message);
            rules = 0;
        }
        return cgroups + rules;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not remove build network {Network}; the start-up sweep will")]
    private static partial void LogReleaseFailed(ILogger logger, string network, Exception exception);

    [LoggerMessage(Level = LogLevel.Information, Message = "Build firewall rules not swept: {Reason}")]
    private static partial void LogRuleSweepSkipped(ILogger logger, string reason);
}

/// <summary>The runner and job a build belongs to (from the request's labels), naming its cgroup and network.</summary>
internal sealed record BuildIdentity(string RunnerId, string JobId)
{
    public static BuildIdentity Of(ImageBuildRequest request) => new(
        request.Labels.TryGetValue(DockerLabels.RunnerId, out var runner) ? runner : "unlabelled",
        request.Labels.TryGetValue(DockerLabels.JobId, out var job) ? job : ImageReuse.SafeName(request.Tag));
}
