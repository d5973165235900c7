using System.Diagnostics;
using System.Globalization;
using Docker.DotNet;
using Docker.DotNet.Models;
using Grader.Runner.Docker;

namespace Grader.Runner.Recovery;

/// <summary>
/// Kills a service container's processes the way a crash does, from the engine host.
/// </summary>
/// <remarks>
/// Not <c>docker kill</c>: the engine records that as a manual stop and then never applies the restart
/// policy (verified on Engine 20.10: killed with <c>docker kill --signal KILL</c>, a container with
/// <c>on-failure</c> stays exited). A SIGKILL from the host to the container's processes is an
/// ordinary exit 137 to the engine, which the restart policy handles, as it would a crash. It needs the
/// runner in the engine host's PID namespace; every PID is checked against the container's cgroup
/// before the signal so a PID from another namespace or a reused PID is never hit.
/// </remarks>
internal sealed class ContainerProcessKiller(IDockerClient docker)
{
    /// <summary>
    /// SIGKILL to the container's main process: PID 1 inside it, the process the engine watches. When PID 1
    /// is a shell wrapper, its death ends the whole PID namespace (the kernel kills every other process in
    /// it), so the service dies with it either way, as in a crash of the service.
    /// </summary>
    public static void KillMainProcess(string containerId, long hostPid) => KillVerified(containerId, hostPid);

    /// <summary>SIGKILL to every process of the container at once, as an OOM kill or a node-level kill would.</summary>
    public async Task KillAllAsync(string containerId, CancellationToken cancellationToken)
    {
        var top = await DockerCalls.RunAsync("list the service's processes",
            () => docker.Containers.ListProcessesAsync(containerId, new ContainerListProcessesParameters { PsArgs = "-o pid" }, cancellationToken)).ConfigureAwait(false);
        var column = top.Titles.IndexOf("PID");
        if (column < 0) throw new GraderInfrastructureException("The engine's process list has no PID column.");
        var pids = top.Processes
            .Select(row => long.TryParse(row[column], NumberStyles.None, CultureInfo.InvariantCulture, out var pid) ? pid : -1)
            .Where(pid => pid > 0)
            .OrderDescending() // children before their parents, so none is reaped and replaced in between
            .ToList();
        if (pids.Count == 0) throw new GraderInfrastructureException("The service container has no processes to kill.");
        foreach (var pid in pids) KillVerified(containerId, pid);
    }

    private static void KillVerified(string containerId, long hostPid)
    {
        var cgroupFile = $"/proc/{hostPid}/cgroup";
        string cgroup;
        try
        {
            cgroup = File.ReadAllText(cgroupFile);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new GraderInfrastructureException(
                $"Cannot see the service's process {hostPid} ({e.Message}): recovery checks need the runner in the Docker host's PID namespace.", e);
        }
        if (!cgroup.Contains(containerId, StringComparison.Ordinal))
        {
            throw new GraderInfrastructureException(
                $"Process {hostPid} does not belong to the service container: recovery checks need the runner in the Docker host's PID namespace.");
        }
        try
        {
            using var process = Process.GetProcessById((int)hostPid);
            process.Kill();
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException)
        {
            // Already gone: it exited between the listing and the signal, which is what we wanted.
            return;
        }
    }
}
