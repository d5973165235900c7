using System.Collections.Concurrent;
using Docker.DotNet;
using Docker.DotNet.Models;
using Microsoft.Extensions.Logging;

namespace Grader.Runner.Docker;

/// <summary>
/// Watches a running build: which step containers are its own, and how many bytes it has written so far (committed
/// layers from <see cref="BuildLayerLedger"/> plus the running step's writable layer, as the engine sizes it). The
/// kernel here has no storage quota (no XFS project quota for overlay2), so this poll is the disk bound: between two
/// polls a step can write about interval x write speed beyond the limit before it is killed.
/// </summary>
internal sealed partial class BuildWatch(IDockerClient docker, BuildLayerLedger ledger, BuildCgroup? cgroup, ILogger logger)
{
    private readonly ConcurrentDictionary<string, byte> _offered = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, byte> _containers = new(StringComparer.Ordinal);
    private readonly HashSet<string> _rejected = new(StringComparer.Ordinal);
    private bool _cgroupConfirmed;

    /// <summary>The most bytes seen at one poll.</summary>
    public long PeakBytes { get; private set; }

    /// <summary>Set when a step container runs outside the cgroup the runner prepared (the engine does not share this host's cgroupfs).</summary>
    public string? IsolationFault { get; private set; }

    /// <summary>Verified step containers of this build (full ids).</summary>
    public IReadOnlyCollection<string> StepContainers => [.. _containers.Keys];

    /// <summary>A container id the log names ("Running in …"): believed only once verified (<see cref="MeasureAsync"/>).</summary>
    public void OfferContainer(string id) => _offered.TryAdd(id, 0);

    /// <summary>Verifies newly named containers, then measures: committed own bytes plus the running steps' writable layers.</summary>
    public async Task<long> MeasureAsync(CancellationToken cancellationToken)
    {
        await ledger.UpdateAsync(cancellationToken).ConfigureAwait(false);
        await VerifyOfferedAsync(cancellationToken).ConfigureAwait(false);
        long running = 0;
        if (!_containers.IsEmpty)
        {
            var listed = await docker.Containers.ListContainersAsync(new ContainersListParameters
            {
                All = true,
                Size = true,
                Filters = new Dictionary<string, IDictionary<string, bool>>(StringComparer.Ordinal)
                {
                    ["id"] = _containers.Keys.ToDictionary(id => id, _ => true, StringComparer.Ordinal),
                },
            }, cancellationToken).ConfigureAwait(false);
            running = listed.Sum(c => Math.Max(0, c.SizeRw));
        }
        var total = ledger.OwnBytes + running;
        if (total > PeakBytes) PeakBytes = total;
        return total;
    }

    /// <summary>
    /// A named container is the build's own when the engine created it under the build's cgroup parent (unforgeable:
    /// the parent is unique to this build), or, without a cgroup, when it runs on an image of this build's chains.
    /// </summary>
    private async Task VerifyOfferedAsync(CancellationToken cancellationToken)
    {
        foreach (var id in _offered.Keys)
        {
            if (_rejected.Contains(id) || _containers.Keys.Any(c => c.StartsWith(id, StringComparison.Ordinal))) continue;
            ContainerInspectResponse container;
            try
            {
                container = await docker.Containers.InspectContainerAsync(id, cancellationToken).ConfigureAwait(false);
            }
            catch (DockerApiException)
            {
                continue; // gone already (a short step) or not a container: try again next poll if it appears
            }
            var ours = cgroup is not null
                ? string.Equals(container.HostConfig?.CgroupParent, cgroup.Parent, StringComparison.Ordinal)
                : ledger.Knows(container.Image);
            if (!ours)
            {
                _rejected.Add(id);
                LogForeignContainer(logger, id);
                continue;
            }
            _containers.TryAdd(container.ID, 0);
            await CheckCgroupAsync(container, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// A running step container must sit in the folder the runner prepared; if it does not, the engine uses another
    /// cgroupfs (a remote engine, another namespace) and the limits written here do not apply. Checked until one
    /// running container confirms it; a container that exits between the two looks is no evidence either way.
    /// </summary>
    private async Task CheckCgroupAsync(ContainerInspectResponse container, CancellationToken cancellationToken)
    {
        if (_cgroupConfirmed || cgroup?.ProcessesDirectory is not { } directory || container.State is not { Running: true, Pid: > 0 }) return;
        var path = Path.Combine(directory, container.ID);
        if (Directory.Exists(path))
        {
            _cgroupConfirmed = true;
            return;
        }
        ContainerInspectResponse again;
        try
        {
            again = await docker.Containers.InspectContainerAsync(container.ID, cancellationToken).ConfigureAwait(false);
        }
        catch (DockerApiException)
        {
            return;
        }
        // Between a step's exit and the engine noticing, the folder is gone while the state still says running:
        // only a process that is alive and outside the build's cgroup is evidence.
        var procCgroup = $"/proc/{container.State.Pid}/cgroup";
        if (again.State is { Running: true } state && state.Pid == container.State.Pid && !Directory.Exists(path)
            && ReadOrNull(procCgroup) is { } membership && !membership.Contains(cgroup.Parent + "/", StringComparison.Ordinal))
        {
            IsolationFault = $"the build's step container runs outside the cgroup the runner prepared ({directory} has no {container.ID[..12]}): the engine does not share this host's cgroupfs";
        }
    }

    private static string? ReadOrNull(string path)
    {
        try
        {
            return File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>Stops the build's steps at once (the disk bound was crossed): SIGKILL, so nothing more is written.</summary>
    public async Task KillStepContainersAsync()
    {
        foreach (var id in _containers.Keys)
        {
            try
            {
                await docker.Containers.KillContainerAsync(id, new ContainerKillParameters { Signal = "KILL" }, CancellationToken.None).ConfigureAwait(false);
            }
            catch (DockerApiException)
            {
                // Already stopped or removed.
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The build log named container {ContainerId}, which is not one of the build's: ignored")]
    private static partial void LogForeignContainer(ILogger logger, string containerId);
}
