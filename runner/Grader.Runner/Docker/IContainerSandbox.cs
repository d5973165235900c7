using Grader.Rubrics.Model;

namespace Grader.Runner.Docker;

/// <summary>A host folder copied into the container before it starts, mounted read-only (e.g. hidden tests).</summary>
public sealed record SandboxCopyIn(string HostPath, string ContainerPath);

/// <summary>A copy-in folder holds more than the sandbox copies (Grader:Sandbox:MaxCopyInBytes); nothing was started.</summary>
public sealed class SandboxCopyInTooLargeException(SandboxCopyIn copyIn, long maxBytes)
    : Exception($"The folder for {copyIn.ContainerPath} is larger than {Grader.Rubrics.Model.ByteSize.Format(maxBytes)}, the most the grader copies into a container.")
{
    public SandboxCopyIn CopyIn { get; } = copyIn;
}

/// <summary>
/// One run in a container: no network (unless <see cref="Network"/> names the job's internal network), read-only
/// root with a writable tmpfs, all capabilities dropped, no-new-privileges, no core dumps, a non-root user, the
/// given resource limits and a wall-clock timeout that kills.
/// </summary>
public sealed record SandboxRunRequest
{
    public required string Image { get; init; }
    public required IReadOnlyList<string> Command { get; init; }
    public required IReadOnlyDictionary<string, string> Labels { get; init; }
    public required SandboxLimits Limits { get; init; }
    public required TimeSpan Timeout { get; init; }
    public string? WorkingDirectory { get; init; }
    public IReadOnlyDictionary<string, string> Environment { get; init; } = new Dictionary<string, string>();

    /// <summary>
    /// A Docker network to join instead of none: only the job's internal service network, for grader-owned tests
    /// that probe the learner's service. Null (the default) = no network at all.
    /// </summary>
    public string? Network { get; init; }

    /// <summary>Copied in after create and before start.</summary>
    public IReadOnlyList<SandboxCopyIn> CopyIn { get; init; } = [];

    /// <summary>Writable folders (tmpfs) besides /tmp, e.g. the JUnit report folder.</summary>
    public IReadOnlyList<string> WritablePaths { get; init; } = [];

    /// <summary>Container path copied out after the run (a file or folder), into <see cref="CopyOutDestination"/>.</summary>
    public string? CopyOutPath { get; init; }
    public string? CopyOutDestination { get; init; }
    public long MaxCopyOutBytes { get; init; } = 64L << 20;

    /// <summary>
    /// The copy-out path must be one regular file of at most <see cref="MaxCopyOutBytes"/> (a report): a symbolic
    /// link, folder, fifo or device, or a larger file, is refused from the engine's stat before anything is read.
    /// </summary>
    public bool CopyOutRegularFileOnly { get; init; }

    /// <summary>CPUs the container is pinned to (cpuset syntax, e.g. "2-3"); null: not pinned.</summary>
    public string? CpusetCpus { get; init; }

    /// <summary>GPU device ids or UUIDs given to the container (as <c>--gpus device=...</c>); empty = none.</summary>
    public IReadOnlyList<string> GpuDeviceIds { get; init; } = [];

    /// <summary>The unprivileged uid:gid learner code runs as when its image names no non-root user.</summary>
    public const string Nobody = "65534:65534";

    /// <summary>Run as this user; default an unprivileged uid:gid.</summary>
    public string User { get; init; } = Nobody;
}

/// <param name="ExitCode">Null when the container was killed by the timeout.</param>
/// <param name="Output">Interleaved stdout and stderr, bounded by the limits.</param>
/// <param name="CopiedOut">Host path holding what was copied out, or null.</param>
/// <param name="CopyOutError">Why copying out failed (missing path, over the size limit), or null.</param>
public sealed record SandboxRunResult(
    long? ExitCode,
    bool TimedOut,
    bool OomKilled,
    string Output,
    bool OutputTruncated,
    TimeSpan Duration,
    string? CopiedOut,
    string? CopyOutError);

/// <summary>Runs learner code in a locked-down container and always removes it afterwards.</summary>
public interface IContainerSandbox
{
    Task<SandboxRunResult> RunAsync(SandboxRunRequest request, CancellationToken cancellationToken);
}
