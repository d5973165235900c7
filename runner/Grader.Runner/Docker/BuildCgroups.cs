using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using Docker.DotNet;
using Grader.Runner.Pipeline;
using Microsoft.Extensions.Logging;

namespace Grader.Runner.Docker;

/// <summary>
/// The cgroup a build's RUN steps run under: <c>/grader-build/RUNNER/JOB</c>, given to the engine as the build's cgroup
/// parent. The runner creates it before the build with a process limit (<c>pids.max</c>) and a memory limit for the
/// whole build, so a fork bomb in a RUN step meets the limit instead of the host's process table.
/// </summary>
internal sealed class BuildCgroup(string parent, IReadOnlyList<string> directories, string? processesDirectory)
{
    /// <summary>The cgroup parent handed to the engine (an absolute path inside every hierarchy).</summary>
    public string Parent { get; } = parent;

    /// <summary>The build's folder in every hierarchy on this host (the engine creates it in those the runner did not).</summary>
    public IReadOnlyList<string> Directories { get; } = directories;

    /// <summary>The folder whose sub-folders are the running step containers (the pids hierarchy), when the runner manages the cgroup.</summary>
    public string? ProcessesDirectory { get; } = processesDirectory;
}

/// <summary>
/// Prepares, removes and sweeps build cgroups. Works with the engine's <c>cgroupfs</c> driver on cgroup v1 (one folder
/// per controller hierarchy) and v2 (one unified folder; the pids and memory controllers enabled down the path).
/// Fails closed: with the systemd driver, or a cgroupfs the runner cannot write, the build is a grader error that
/// names the operator setting, unless the operator turned the limit off (<see cref="RunnerOptions.BuildCgroupLimits"/>).
/// </summary>
internal sealed partial class BuildCgroups(IDockerClient docker, ILogger logger, string mountInfoPath = CgroupMounts.MountInfo)
{
    public const string RootName = "grader-build";

    private static readonly TimeSpan RemoveDeadline = TimeSpan.FromSeconds(20);

    private readonly SemaphoreSlim _detect = new(1, 1);
    private (string Driver, string Version)? _engine;

    private const string OptOut = "or set Grader:Runner:BuildCgroupLimits=false to build without a process limit (only where learner code is trusted)";

    /// <summary>The engine's cgroup driver and version, from its system info (asked once).</summary>
    public async Task<(string Driver, string Version)> EngineCgroupsAsync(CancellationToken cancellationToken)
    {
        await _detect.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_engine is { } known) return known;
            var info = await docker.System.GetSystemInfoAsync(cancellationToken).ConfigureAwait(false);
            var detected = ((info.CgroupDriver ?? "").Trim().ToLowerInvariant(), string.IsNullOrWhiteSpace(info.CgroupVersion) ? "1" : info.CgroupVersion.Trim());
            _engine = detected;
            return detected;
        }
        finally
        {
            _detect.Release();
        }
    }

    /// <summary>The parent path for a build (no folders created): <c>/grader-build/RUNNER/JOB-RANDOM</c>.</summary>
    public static string ParentFor(string runnerId, string jobId) =>
        $"/{RootName}/{ImageReuse.SafeName(runnerId)}/{ImageReuse.SafeName(jobId)}-{Guid.NewGuid().ToString("N")[..8]}";

    /// <summary>Creates the build's cgroup with its limits; a <see cref="GraderInfrastructureException"/> when the host does not allow it.</summary>
    public async Task<BuildCgroup> CreateAsync(string runnerId, string jobId, long pids, long? memoryBytes, CancellationToken cancellationToken)
    {
        var (driver, version) = await EngineCgroupsAsync(cancellationToken).ConfigureAwait(false);
        if (driver != "cgroupfs")
        {
            throw new GraderInfrastructureException(
                $"The Docker engine uses the '{driver}' cgroup driver; the runner bounds build processes through a cgroupfs cgroup parent. " +
                $"Run dockerd with exec-opts native.cgroupdriver=cgroupfs, {OptOut}.");
        }
        var parent = ParentFor(runnerId, jobId);
        var mounts = CgroupMounts.Read(mountInfoPath);
        try
        {
            return version == "2" ? CreateUnified(parent, mounts, pids, memoryBytes) : CreateV1(parent, mounts, pids, memoryBytes);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new GraderInfrastructureException(
                $"Could not prepare the build's cgroup {parent} (process and memory limits): {e.Message}. " +
                $"The runner must run as root on the engine's host and see the host's cgroupfs, {OptOut}.", e);
        }
    }

    private static BuildCgroup CreateV1(string parent, IReadOnlyList<CgroupMount> mounts, long pids, long? memoryBytes)
    {
        var pidsMount = mounts.FirstOrDefault(m => !m.Unified && m.Controllers.Contains("pids"));
        var memoryMount = mounts.FirstOrDefault(m => !m.Unified && m.Controllers.Contains("memory"));
        if (pidsMount is null || memoryMount is null)
        {
            throw new IOException("the host has no writable cgroup v1 pids and memory hierarchies (looked in /proc/self/mountinfo)");
        }
        var pidsDir = Create(pidsMount, parent);
        File.WriteAllText(Path.Combine(pidsDir, "pids.max"), pids.ToString(CultureInfo.InvariantCulture));
        var memoryDir = Create(memoryMount, parent);
        if (memoryBytes is { } memory)
        {
            File.WriteAllText(Path.Combine(memoryDir, "memory.limit_in_bytes"), memory.ToString(CultureInfo.InvariantCulture));
            // With swap accounting the step containers' no-swap setting holds for the whole build too.
            var memsw = Path.Combine(memoryDir, "memory.memsw.limit_in_bytes");
            if (File.Exists(memsw)) File.WriteAllText(memsw, memory.ToString(CultureInfo.InvariantCulture));
        }
        return new BuildCgroup(parent, DirectoriesIn(mounts, parent), pidsDir);
    }

    internal static BuildCgroup CreateUnified(string parent, IReadOnlyList<CgroupMount> mounts, long pids, long? memoryBytes)
    {
        var unified = mounts.FirstOrDefault(m => m.Unified)
            ?? throw new IOException("the engine reports cgroup v2 but no cgroup2 hierarchy is mounted here (looked in /proc/self/mountinfo)");
        // Controllers must be enabled in every ancestor's subtree_control for the limits to exist and apply below.
        var path = unified.MountPoint;
        foreach (var segment in parent.Trim('/').Split('/'))
        {
            File.WriteAllText(Path.Combine(path, "cgroup.subtree_control"), "+pids +memory");
            path = Path.Combine(path, segment);
            Directory.CreateDirectory(path);
        }
        File.WriteAllText(Path.Combine(path, "cgroup.subtree_control"), "+pids +memory");
        File.WriteAllText(Path.Combine(path, "pids.max"), pids.ToString(CultureInfo.InvariantCulture));
        if (memoryBytes is { } memory)
        {
            File.WriteAllText(Path.Combine(path, "memory.max"), memory.ToString(CultureInfo.InvariantCulture));
            File.WriteAllText(Path.Combine(path, "memory.swap.max"), "0");
        }
        return new BuildCgroup(parent, DirectoriesIn(mounts, parent), path);
    }

    private static string Create(CgroupMount mount, string parent)
    {
        var directory = Path.Combine(mount.MountPoint, parent.TrimStart('/'));
        Directory.CreateDirectory(directory);
        return directory;
    }

    private static List<string> DirectoriesIn(IReadOnlyList<CgroupMount> mounts, string parent) =>
        mounts.Select(m => Path.Combine(m.MountPoint, parent.TrimStart('/'))).ToList();

    /// <summary>
    /// Removes a build's cgroup in every hierarchy once its step containers are gone; returns false (and logs) when a
    /// folder is still busy after a while: the start-up sweep removes it later.
    /// </summary>
    public async Task<bool> RemoveAsync(BuildCgroup cgroup, CancellationToken cancellationToken)
    {
        var removed = true;
        foreach (var directory in cgroup.Directories)
        {
            removed &= await RemoveTreeAsync(directory, killProcesses: false, cancellationToken).ConfigureAwait(false);
        }
        return removed;
    }

    /// <summary>Start-up sweep: removes every build cgroup of <paramref name="runnerId"/> (killing what still runs in it); returns how many build folders went.</summary>
    public async Task<int> SweepAsync(string runnerId, CancellationToken cancellationToken)
    {
        var removed = 0;
        foreach (var mount in CgroupMounts.Read(mountInfoPath))
        {
            var runner = Path.Combine(mount.MountPoint, RootName, ImageReuse.SafeName(runnerId));
            if (!Directory.Exists(runner)) continue;
            foreach (var build in Directory.GetDirectories(runner))
            {
                if (await RemoveTreeAsync(build, killProcesses: true, cancellationToken).ConfigureAwait(false) && (mount.Controllers.Contains("pids") || mount.Unified)) removed++;
            }
            await RemoveTreeAsync(runner, killProcesses: true, cancellationToken).ConfigureAwait(false);
        }
        return removed;
    }

    /// <summary>Removes a cgroup folder and its sub-folders, deepest first (cgroupfs allows only rmdir of an empty cgroup).</summary>
    private async Task<bool> RemoveTreeAsync(string directory, bool killProcesses, CancellationToken cancellationToken)
    {
        if (!Directory.Exists(directory)) return true;
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                foreach (var child in Directory.GetDirectories(directory))
                {
                    await RemoveTreeAsync(child, killProcesses, cancellationToken).ConfigureAwait(false);
                }
                if (killProcesses) KillProcesses(directory);
                Directory.Delete(directory);
                return true;
            }
            catch (DirectoryNotFoundException)
            {
                return true;
            }
            catch (IOException e) when (deadline.Elapsed < RemoveDeadline)
            {
                // Busy: a step container's processes are still exiting. Poll until they are gone.
                LogCgroupBusy(logger, directory, e.Message);
                await Task.Delay(TimeSpan.FromMilliseconds(250), cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                LogCgroupLeft(logger, directory, e);
                return false;
            }
        }
    }

    [GeneratedRegex("^[0-9]+$")]
    private static partial Regex ProcessId();

    /// <summary>Only in the sweep of a crashed runner's cgroups: what still runs there is a learner's build step.</summary>
    private static void KillProcesses(string directory)
    {
        var procs = Path.Combine(directory, "cgroup.procs");
        if (!File.Exists(procs)) return;
        foreach (var line in File.ReadAllLines(procs))
        {
            if (!ProcessId().IsMatch(line.Trim()) || !int.TryParse(line.Trim(), CultureInfo.InvariantCulture, out var pid)) continue;
            try
            {
                using var process = Process.GetProcessById(pid);
                process.Kill(entireProcessTree: false);
            }
            catch (Exception e) when (e is ArgumentException or InvalidOperationException or System.ComponentModel.Win32Exception)
            {
                // Exited meanwhile.
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Build cgroup {Directory} is still busy ({Reason}); waiting")]
    private static partial void LogCgroupBusy(ILogger logger, string directory, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Build cgroup {Directory} could not be removed; the start-up sweep will")]
    private static partial void LogCgroupLeft(ILogger logger, string directory, Exception exception);
}
