using System.Diagnostics;
using System.Globalization;
using System.IO.Pipelines;
using Docker.DotNet;
using Docker.DotNet.Models;
using Grader.Rubrics.Model;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Grader.Runner.Docker;

/// <summary>
/// Runs learner code (or a grader-owned image next to it) in a locked-down container: no network (or only the
/// job's internal service network when asked), memory without swap, CPU, pids and ulimits bounded (no core
/// dumps), read-only root with size-limited tmpfs for /tmp and the writable paths, all capabilities dropped,
/// no-new-privileges, a non-root user, bounded output, a wall-clock timeout that SIGKILLs, and the container
/// (and its helper and volumes) always removed afterwards. Images named by tag (the helper, the hidden-test
/// image) are pinned by id (<see cref="PinnedImages"/>).
/// </summary>
/// <remarks>
/// Two engine behaviours shape how files get in and out:
/// <list type="bullet">
/// <item>PutArchive into a container with a read-only root is refused ("container rootfs is marked read-only")
/// unless the target is a writable volume, and a plain tmpfs mount does not exist before the container starts.
/// So copy-in content goes into a labelled volume, populated through a helper container that mounts it
/// read-write; the learner's container then mounts it read-only (with no-copy, so nothing baked into the
/// image at that path is copied into the volume), and learner code can neither alter nor pre-seed it. A
/// volume works with a remote engine too, unlike a bind mount of a runner folder.</item>
/// <item>A tmpfs is emptied when the container stops, so a report written there cannot be copied out
/// afterwards. The writable path that holds <see cref="SandboxRunRequest.CopyOutPath"/> is therefore a
/// tmpfs-backed volume (size-limited like any tmpfs) that the running helper keeps mounted, and the copy-out
/// reads it through the helper. It starts empty, so results baked into the image are never picked up.</item>
/// </list>
/// </remarks>
public sealed partial class DockerContainerSandbox(IDockerClient docker, IOptions<SandboxOptions> options, ILogger<DockerContainerSandbox> logger) : IContainerSandbox
{
    private const string HelperMountRoot = "/grader-volumes";
    private readonly SandboxOptions _options = options.Value;
    private readonly PinnedImages _pins = new(docker);

    public async Task<SandboxRunResult> RunAsync(SandboxRunRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.Command.Count == 0) throw new ArgumentException("The command is empty.", nameof(request));
        var resources = new RunResources();
        try
        {
            return await RunCoreAsync(request, resources, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (InfrastructureFailures.IsEngineFailure(e))
        {
            throw new GraderInfrastructureException($"The Docker engine failed while running {request.Image}: {e.Message}", e);
        }
        finally
        {
            await CleanUpAsync(resources).ConfigureAwait(false);
        }
    }

    private async Task<SandboxRunResult> RunCoreAsync(SandboxRunRequest request, RunResources resources, CancellationToken cancellationToken)
    {
        var limits = request.Limits;
        var persistentPath = PersistentWritablePath(request);
        var mounts = new List<Mount>();
        var helperMounts = new List<Mount>();
        var copyIns = new List<(SandboxCopyIn CopyIn, string HelperPath)>();

        // Planned before anything is created: a folder over the limit costs no container.
        var plans = request.CopyIn.Select(c => (CopyIn: c, Entries: PlanCopyIn(c))).ToList();
        foreach (var (copyIn, _) in plans)
        {
            var volume = await CreateVolumeAsync(request.Labels, driverOptions: null, resources, cancellationToken).ConfigureAwait(false);
            var helperPath = $"{HelperMountRoot}/{helperMounts.Count}";
            helperMounts.Add(VolumeMount(volume, helperPath, readOnly: false));
            mounts.Add(VolumeMount(volume, copyIn.ContainerPath, readOnly: true));
            copyIns.Add((copyIn, helperPath));
        }
        var planned = plans.ToDictionary(p => p.CopyIn, p => p.Entries);

        string? copyOutHelperPath = null;
        if (persistentPath is not null)
        {
            var driverOptions = new Dictionary<string, string>
            {
                ["type"] = "tmpfs",
                ["device"] = "tmpfs",
                ["o"] = string.Create(CultureInfo.InvariantCulture, $"size={limits.TmpSize.Bytes},mode=1777,noexec,nosuid,nodev"),
            };
            var volume = await CreateVolumeAsync(request.Labels, driverOptions, resources, cancellationToken).ConfigureAwait(false);
            var helperPath = $"{HelperMountRoot}/{helperMounts.Count}";
            helperMounts.Add(VolumeMount(volume, helperPath, readOnly: false));
            mounts.Add(VolumeMount(volume, persistentPath, readOnly: false));
            copyOutHelperPath = helperPath + request.CopyOutPath![persistentPath.Length..];
        }

        if (helperMounts.Count > 0)
        {
            resources.HelperId = await StartHelperAsync(request.Labels, helperMounts, cancellationToken).ConfigureAwait(false);
            foreach (var (copyIn, helperPath) in copyIns)
            {
                await CopyFolderInAsync(resources.HelperId, planned[copyIn], helperPath, cancellationToken).ConfigureAwait(false);
            }
        }

        var create = new CreateContainerParameters
        {
            Image = await _pins.ResolveAsync(request.Image, cancellationToken).ConfigureAwait(false),
            Entrypoint = [request.Command[0]],
            Cmd = [.. request.Command.Skip(1)],
            User = request.User,
            WorkingDir = request.WorkingDirectory,
            Env = [.. request.Environment.Select(kv => $"{kv.Key}={kv.Value}")],
            Labels = new Dictionary<string, string>(request.Labels),
            AttachStdout = true,
            AttachStderr = true,
            NetworkDisabled = request.Network is null,
            HostConfig = LockedDownHostConfig(request, persistentPath, mounts),
        };
        var created = await CreatePinnedAsync(create, request.Image, cancellationToken).ConfigureAwait(false);
        resources.ContainerId = created.ID;

        var output = new BoundedOutput(limits.MaxOutput.Bytes);
        var stream = await docker.Containers.AttachContainerAsync(created.ID, tty: false,
            new ContainerAttachParameters { Stream = true, Stdout = true, Stderr = true }, cancellationToken).ConfigureAwait(false);
        using var drain = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var reader = ReadOutputAsync(stream, output, drain.Token);

        var stopwatch = Stopwatch.StartNew();
        try
        {
            await docker.Containers.StartContainerAsync(created.ID, new ContainerStartParameters(), cancellationToken).ConfigureAwait(false);
        }
        catch (DockerApiException e) when (ImageCommandUnavailableException.IsCommandRefusal(e))
        {
            throw new ImageCommandUnavailableException(request.Command[0], ImageCommandUnavailableException.RuntimeWords(e), e);
        }
        LogStarted(logger, created.ID, request.Image);

        var timedOut = false;
        using (var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
        {
            deadline.CancelAfter(request.Timeout);
            try
            {
                await docker.Containers.WaitContainerAsync(created.ID, deadline.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                timedOut = true;
                LogTimedOut(logger, created.ID, request.Timeout);
                await KillAsync(created.ID).ConfigureAwait(false);
                await docker.Containers.WaitContainerAsync(created.ID, cancellationToken).ConfigureAwait(false);
            }
        }
        var duration = stopwatch.Elapsed;

        // The attach stream ends when the container exits; a stuck stream must not hold the run.
        drain.CancelAfter(_options.OutputDrainTimeout);
        await reader.ConfigureAwait(false);
        stream.Dispose();

        var inspect = await docker.Containers.InspectContainerAsync(created.ID, cancellationToken).ConfigureAwait(false);
        var oomKilled = inspect.State?.OOMKilled ?? false;
        long? exitCode = timedOut ? null : inspect.State?.ExitCode;

        string? copiedOut = null;
        string? copyOutError = null;
        if (request.CopyOutPath is not null && request.CopyOutDestination is not null)
        {
            var (sourceId, sourcePath) = copyOutHelperPath is not null
                ? (resources.HelperId!, copyOutHelperPath)
                : (created.ID, request.CopyOutPath);
            (copiedOut, copyOutError) = await CopyOutAsync(sourceId, sourcePath, request, cancellationToken).ConfigureAwait(false);
        }

        return new SandboxRunResult(exitCode, timedOut, oomKilled, output.ToString(), output.Truncated, duration, copiedOut, copyOutError);
    }

    /// <summary>The writable path holding the copy-out path, which must outlive the container's own mounts.</summary>
    private static string? PersistentWritablePath(SandboxRunRequest request)
    {
        if (request.CopyOutPath is null) return null;
        var copyOut = request.CopyOutPath.TrimEnd('/');
        return request.WritablePaths
            .Select(p => p.TrimEnd('/'))
            .Where(p => copyOut == p || copyOut.StartsWith(p + "/", StringComparison.Ordinal))
            .OrderByDescending(p => p.Length)
            .FirstOrDefault();
    }

    private HostConfig LockedDownHostConfig(SandboxRunRequest request, string? persistentPath, List<Mount> mounts)
    {
        var limits = request.Limits;
        var size = limits.TmpSize.Bytes.ToString(CultureInfo.InvariantCulture);
        // /tmp keeps exec: test tools legitimately compile and run helpers there. Report folders do not need it.
        var tmpfs = new Dictionary<string, string>(StringComparer.Ordinal) { ["/tmp"] = $"rw,nosuid,nodev,size={size},mode=1777" };
        foreach (var path in request.WritablePaths.Select(p => p.TrimEnd('/')).Where(p => p != persistentPath && p != "/tmp"))
        {
            tmpfs[path] = $"rw,noexec,nosuid,nodev,size={size},mode=1777";
        }
        var host = new ContainerHardening(limits.Memory.Bytes, limits.Pids, _options.NoFileLimit)
        {
            Cpus = limits.Cpus,
            CpusetCpus = request.CpusetCpus,
            Network = request.Network ?? "none",
            GpuDeviceIds = [.. request.GpuDeviceIds],
        }.ToHostConfig();
        host.Tmpfs = tmpfs;
        host.Mounts = mounts;
        host.LogConfig = new LogConfig
        {
            Type = "json-file",
            Config = new Dictionary<string, string>
            {
                ["max-size"] = Math.Max(limits.MaxOutput.Bytes, 64 << 10).ToString(CultureInfo.InvariantCulture),
                ["max-file"] = "1",
            },
        };
        return host;
    }

    private static Mount VolumeMount(string volume, string target, bool readOnly) => new()
    {
        Type = "volume",
        Source = volume,
        Target = target,
        ReadOnly = readOnly,
        // Never copy what the image has at the target into the volume: the learner must not pre-seed it.
        VolumeOptions = new VolumeOptions { NoCopy = true },
    };

    private async Task<string> CreateVolumeAsync(IReadOnlyDictionary<string, string> labels, Dictionary<string, string>? driverOptions, RunResources resources, CancellationToken cancellationToken)
    {
        var name = "grader-" + Guid.NewGuid().ToString("N");
        await docker.Volumes.CreateAsync(new VolumesCreateParameters
        {
            Name = name,
            Driver = "local",
            DriverOpts = driverOptions ?? [],
            Labels = new Dictionary<string, string>(labels),
        }, cancellationToken).ConfigureAwait(false);
        resources.Volumes.Add(name);
        return name;
    }

    private async Task<string> StartHelperAsync(IReadOnlyDictionary<string, string> labels, List<Mount> mounts, CancellationToken cancellationToken)
    {
        var create = new CreateContainerParameters
        {
            Image = await _pins.ResolveAsync(_options.HelperImage, cancellationToken).ConfigureAwait(false),
            Entrypoint = ["sleep"],
            Cmd = ["2147483647"],
            User = "65534:65534",
            Labels = new Dictionary<string, string>(labels),
            NetworkDisabled = true,
            // A helper only holds volumes for copying in and out: tiny limits, never a network.
            HostConfig = HelperHostConfig(mounts),
        };
        var created = await CreatePinnedAsync(create, _options.HelperImage, cancellationToken).ConfigureAwait(false);
        await docker.Containers.StartContainerAsync(created.ID, new ContainerStartParameters(), cancellationToken).ConfigureAwait(false);
        return created.ID;
    }

    private static HostConfig HelperHostConfig(List<Mount> mounts)
    {
        var host = new ContainerHardening(MemoryBytes: 32L << 20, Pids: 8, NoFile: 64).ToHostConfig();
        host.Mounts = mounts;
        return host;
    }

    /// <summary>
    /// Creates a container from a pinned image; when the pinned id has vanished (the image was removed and the tag
    /// rebuilt), the tag is resolved again once.
    /// </summary>
    private async Task<CreateContainerResponse> CreatePinnedAsync(CreateContainerParameters create, string reference, CancellationToken cancellationToken)
    {
        try
        {
            return await docker.Containers.CreateContainerAsync(create, cancellationToken).ConfigureAwait(false);
        }
        catch (DockerImageNotFoundException) when (!PinnedImages.IsId(reference))
        {
            _pins.Forget(reference);
            create.Image = await _pins.ResolveAsync(reference, cancellationToken).ConfigureAwait(false);
            LogRepinned(logger, reference, create.Image);
            return await docker.Containers.CreateContainerAsync(create, cancellationToken).ConfigureAwait(false);
        }
    }

    private IReadOnlyList<ContextEntry> PlanCopyIn(SandboxCopyIn copyIn)
    {
        if (!Directory.Exists(copyIn.HostPath)) throw new ArgumentException($"Copy-in source '{copyIn.HostPath}' is not a folder.", nameof(copyIn));
        try
        {
            return BuildContextArchive.PlanFolder(copyIn.HostPath, _options.MaxCopyInBytes);
        }
        catch (BuildContextTooLargeException)
        {
            throw new SandboxCopyInTooLargeException(copyIn, _options.MaxCopyInBytes);
        }
    }

    private async Task CopyFolderInAsync(string helperId, IReadOnlyList<ContextEntry> entries, string helperPath, CancellationToken cancellationToken)
    {
        var pipe = new Pipe();
        var writer = Task.Run(async () =>
        {
            try
            {
                await using (var stream = pipe.Writer.AsStream(leaveOpen: true))
                {
                    await BuildContextArchive.WriteAsync(entries, stream, _options.MaxCopyInBytes, cancellationToken, worldReadable: true).ConfigureAwait(false);
                }
                await pipe.Writer.CompleteAsync().ConfigureAwait(false);
            }
            catch (Exception e)
            {
                await pipe.Writer.CompleteAsync(e).ConfigureAwait(false);
                throw;
            }
        }, cancellationToken);
        await using var body = pipe.Reader.AsStream();
        await docker.Containers.ExtractArchiveToContainerAsync(helperId, new ContainerPathStatParameters { Path = helperPath }, body, cancellationToken).ConfigureAwait(false);
        await writer.ConfigureAwait(false);
    }

    private async Task<(string? CopiedOut, string? Error)> CopyOutAsync(string containerId, string path, SandboxRunRequest request, CancellationToken cancellationToken)
    {
        var destination = request.CopyOutDestination!;
        var maxBytes = request.MaxCopyOutBytes;
        // Messages name the path as the run's own container saw it, not where the helper mounts it.
        var shownPath = request.CopyOutPath!;
        GetArchiveFromContainerResponse archive;
        try
        {
            archive = await docker.Containers.GetArchiveFromContainerAsync(containerId, new GetArchiveFromContainerParameters { Path = path }, statOnly: false, cancellationToken).ConfigureAwait(false);
        }
        catch (DockerContainerNotFoundException)
        {
            // The engine answers 404 for a missing path too, which the client reports as a missing container;
            // the container is known to exist here (it was just inspected), so the path is what is missing.
            return (null, $"nothing was written to {shownPath}");
        }
        catch (DockerApiException e) when (e.StatusCode == System.Net.HttpStatusCode.NotFound)
        {
            return (null, $"nothing was written to {shownPath}");
        }
        using (archive.Stream)
        {
            if (request.CopyOutRegularFileOnly && NotARegularFile(archive.Stat, shownPath, maxBytes) is { } refused)
            {
                // Refused on the engine's stat, before a byte is read: a link, fifo or device is never opened.
                return (null, refused);
            }
            var result = await SafeTarExtractor.ExtractAsync(archive.Stream, destination, maxBytes, cancellationToken).ConfigureAwait(false);
            var copied = Path.Combine(Path.GetFullPath(destination), archive.Stat?.Name ?? Path.GetFileName(path.TrimEnd('/')));
            return (copied, result.Error);
        }
    }

    /// <summary>Why the copy-out path is refused as a report file (not a regular file, or too large), or null.</summary>
    private static string? NotARegularFile(ContainerPathStatResponse? stat, string path, long maxBytes)
    {
        if (stat is null) return $"{path} could not be inspected";
        if (!string.IsNullOrEmpty(stat.LinkTarget) || (stat.Mode & GoFileMode.Symlink) != 0) return $"{path} is a symbolic link, not a regular file";
        if ((stat.Mode & GoFileMode.Dir) != 0) return $"{path} is a folder, not a file";
        if ((stat.Mode & GoFileMode.Type) != 0) return $"{path} is a fifo, socket or device, not a regular file";
        if (stat.Size > maxBytes) return $"{path} is {ByteSize.Format(stat.Size)}, larger than the {ByteSize.Format(maxBytes)} the grader reads";
        return null;
    }

    /// <summary>The engine reports a path's type as Go's <c>os.FileMode</c> bits.</summary>
    private static class GoFileMode
    {
        public const uint Dir = 1u << 31;
        public const uint Symlink = 1u << 27;
        public const uint Device = 1u << 26;
        public const uint NamedPipe = 1u << 25;
        public const uint Socket = 1u << 24;
        public const uint CharDevice = 1u << 21;
        public const uint Irregular = 1u << 19;
        public const uint Type = Dir | Symlink | Device | NamedPipe | Socket | CharDevice | Irregular;
    }

    private static async Task ReadOutputAsync(MultiplexedStream stream, BoundedOutput output, CancellationToken cancellationToken)
    {
        var buffer = new byte[16 << 10];
        try
        {
            while (true)
            {
                var read = await stream.ReadOutputAsync(buffer, 0, buffer.Length, cancellationToken).ConfigureAwait(false);
                if (read.EOF) break;
                output.Append(buffer.AsSpan(0, read.Count));
            }
        }
        catch (Exception e) when (e is OperationCanceledException or IOException or ObjectDisposedException)
        {
            output.Append("\n[output stream closed before the end]\n");
        }
    }

    private async Task KillAsync(string containerId)
    {
        try
        {
            await docker.Containers.KillContainerAsync(containerId, new ContainerKillParameters { Signal = "SIGKILL" }, CancellationToken.None).ConfigureAwait(false);
        }
        catch (DockerApiException e) when (e.StatusCode == System.Net.HttpStatusCode.Conflict)
        {
            // Not running any more: it ended on its own between the deadline and the kill.
            LogAlreadyStopped(logger, containerId);
        }
    }

    private async Task CleanUpAsync(RunResources resources)
    {
        // Never the caller's token: a cancelled run must still leave nothing behind.
        foreach (var id in new[] { resources.ContainerId, resources.HelperId })
        {
            if (id is null) continue;
            try
            {
                await docker.Containers.RemoveContainerAsync(id, new ContainerRemoveParameters { Force = true, RemoveVolumes = true }, CancellationToken.None).ConfigureAwait(false);
            }
            catch (DockerContainerNotFoundException)
            {
                LogAlreadyRemoved(logger, id);
            }
            catch (Exception e) when (InfrastructureFailures.IsEngineFailure(e))
            {
                LogCleanupFailed(logger, id, e);
            }
        }
        foreach (var volume in resources.Volumes)
        {
            try
            {
                await docker.Volumes.RemoveAsync(volume, force: true, CancellationToken.None).ConfigureAwait(false);
            }
            catch (Exception e) when (InfrastructureFailures.IsEngineFailure(e))
            {
                LogCleanupFailed(logger, volume, e);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Started sandbox container {ContainerId} from {Image}")]
    private static partial void LogStarted(ILogger logger, string containerId, string image);

    [LoggerMessage(Level = LogLevel.Information, Message = "Sandbox container {ContainerId} exceeded {Timeout}; killing it")]
    private static partial void LogTimedOut(ILogger logger, string containerId, TimeSpan timeout);

    [LoggerMessage(Level = LogLevel.Information, Message = "Image {Reference} was removed; pinned it again as {ImageId}")]
    private static partial void LogRepinned(ILogger logger, string reference, string imageId);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Container {ContainerId} had already stopped when it was killed")]
    private static partial void LogAlreadyStopped(ILogger logger, string containerId);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Container {ContainerId} was already removed")]
    private static partial void LogAlreadyRemoved(ILogger logger, string containerId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not remove {DockerObject}; the janitor will")]
    private static partial void LogCleanupFailed(ILogger logger, string dockerObject, Exception exception);

    private sealed class RunResources
    {
        public string? ContainerId { get; set; }
        public string? HelperId { get; set; }
        public List<string> Volumes { get; } = [];
    }
}
