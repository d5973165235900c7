using Docker.DotNet.Models;

namespace Grader.Runner.Docker;

/// <summary>
/// Per-process limits of every container of a job (test runs, benchmarks, the service, the hidden-test run):
/// no core dumps (a crash must not write process memory to disk, where it could fill the runner or be
/// collected), a bounded number of open files, and a process count beside the cgroup's pids limit.
/// </summary>
internal static class LearnerUlimits
{
    /// <remarks>
    /// nproc counts every process of the uid on the host (shared by concurrent jobs running as the same uid), so it
    /// is generous: the pids limit of the container's cgroup is the real bound, this is defence in depth.
    /// </remarks>
    public static IList<Ulimit> For(long pids, long noFile)
    {
        var processes = Math.Max(pids * 4, 1024);
        return
        [
            new Ulimit { Name = "core", Soft = 0, Hard = 0 },
            new Ulimit { Name = "nofile", Soft = noFile, Hard = noFile },
            new Ulimit { Name = "nproc", Soft = processes, Hard = processes },
        ];
    }
}
