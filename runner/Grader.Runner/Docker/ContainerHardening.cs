using Docker.DotNet.Models;

namespace Grader.Runner.Docker;

/// <summary>
/// How a container of a job is locked down, decided in this one place: no capabilities, no privilege gain,
/// read-only root file system, memory without swap, CPU, a process limit, per-process limits and the GPUs it
/// may use. Test runs and benchmarks and their helper (<see cref="DockerContainerSandbox"/>), the learner's
/// service (Service/DockerServiceLauncher) and the RUN steps of builds (<see cref="BuildUlimits"/>) start here
/// and add only what is theirs (mounts, tmpfs, restart policy, log size).
/// </summary>
/// <param name="MemoryBytes">Memory, and memory plus swap: no swap.</param>
/// <param name="Pids">The cgroup's process limit: a fork bomb stops here.</param>
/// <param name="NoFile">Open files per process.</param>
internal sealed record ContainerHardening(long MemoryBytes, long Pids, long NoFile)
{
    /// <summary>CPUs (fractions allowed); null: not limited (helpers that only sleep).</summary>
    public double? Cpus { get; init; }

    /// <summary>
    /// CPUs the container may run on (cpuset syntax, "2-3" or "2,3"); null: any. Benchmarks compared with a reference
    /// pin both sides to the same set, so neither gets faster cores or a quieter socket than the other.
    /// </summary>
    public string? CpusetCpus { get; init; }

    /// <summary>The network; <c>none</c> unless the caller made one for this job.</summary>
    public string Network { get; init; } = "none";

    public bool ReadOnlyRoot { get; init; } = true;

    /// <summary>GPUs leased to the job; none requested when empty.</summary>
    public IReadOnlyCollection<string> GpuDeviceIds { get; init; } = [];

    public HostConfig ToHostConfig()
    {
        var host = new HostConfig
        {
            NetworkMode = Network,
            Memory = MemoryBytes,
            MemorySwap = MemoryBytes,
            PidsLimit = Pids,
            ReadonlyRootfs = ReadOnlyRoot,
            CapDrop = ["ALL"],
            SecurityOpt = ["no-new-privileges"],
            Privileged = false,
            Ulimits = Ulimits(),
        };
        if (Cpus is { } cpus) host.NanoCPUs = (long)(cpus * 1e9);
        if (!string.IsNullOrWhiteSpace(CpusetCpus)) host.CpusetCpus = CpusetCpus;
        if (GpuDeviceIds.Count > 0)
        {
            host.DeviceRequests = [new DeviceRequest { Driver = "nvidia", DeviceIDs = [.. GpuDeviceIds], Capabilities = [["gpu"]] }];
        }
        return host;
    }

    /// <summary>
    /// No core dumps (a crash must not write process memory to disk, where it could fill the runner or be
    /// collected), bounded open files, and a process count beside the cgroup's pids limit.
    /// </summary>
    /// <remarks>
    /// nproc counts every process of the uid on the host (shared by concurrent jobs running as the same uid), so it
    /// is generous: the pids limit of the container's cgroup is the real bound, this is defence in depth.
    /// </remarks>
    public IList<Ulimit> Ulimits()
    {
        var processes = Math.Max(Pids * 4, 1024);
        return
        [
            new Ulimit { Name = "core", Soft = 0, Hard = 0 },
            new Ulimit { Name = "nofile", Soft = NoFile, Hard = NoFile },
            new Ulimit { Name = "nproc", Soft = processes, Hard = processes },
        ];
    }

    /// <summary>
    /// The per-process limits of a build's RUN steps. The build API applies them per step; processes are bounded by
    /// the build's cgroup parent instead of nproc, which would count the host's processes of the same uid.
    /// </summary>
    public static IReadOnlyList<(string Name, long Soft, long Hard)> BuildUlimits(long noFile) =>
        [("core", 0, 0), ("nofile", noFile, noFile)];
}
