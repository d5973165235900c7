using Grader.Rubrics.Model;

namespace Grader.Runner.Docker;

/// <summary>A host file or folder copied into the container before it starts (e.g. hidden tests).</summary>
public sealed record SandboxCopyIn(string HostPath, string ContainerPath);

/// <summary>
/// One run of learner code: always no network, read-only root with a writable tmpfs, all capabilities
/// dropped, no-new-privileges, a non-root user, the given resource limits and a wall-clock timeout that kills.
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

    /// <summary>Copied in after create and before start.</summary>
    public IReadOnlyList<SandboxCopyIn> CopyIn { get; init; } = [];

    /// <summary>Writable folders (tmpfs) besides /tmp, e.g. the JUnit report folder.</summary>
    public IReadOnlyList<string> WritablePaths { get; init; } = [];

    /// <summary>Container path copied out after the run (a file or folder), into <see cref="CopyOutDestination"/>.</summary>
    public string? CopyOutPath { get; init; }
    public string? CopyOutDestination { get; init; }
    public long MaxCopyOutBytes { get; init; } = 64L << 20;

    /// <summary>GPU device ids or UUIDs given to the container (as <c>--gpus device=...</c>); empty = none.</summary>
    public IReadOnlyList<string> GpuDeviceIds { get; init; } = [];

    /// <summary>Run as this user; default an unprivileged uid:gid.</summary>
    public string User { get; init; } = "65534:65534";
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
