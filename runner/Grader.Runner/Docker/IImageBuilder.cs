namespace Grader.Runner.Docker;

/// <param name="ContextDirectory">The build context on the runner (the learner's files only).</param>
/// <param name="Dockerfile">Dockerfile path relative to the context.</param>
/// <param name="Tag">Tag for the built image, unique per job.</param>
/// <param name="Labels">Labels for the image (see <see cref="DockerLabels"/>).</param>
/// <param name="Timeout">Build wall-clock limit; exceeding it is the learner's failure.</param>
/// <param name="MaxContextBytes">Contexts larger than this are refused (learner's failure).</param>
/// <param name="MaxLogBytes">Build log kept; the rest is dropped and the truncation noted.</param>
public sealed record ImageBuildRequest(
    string ContextDirectory,
    string Dockerfile,
    string Tag,
    IReadOnlyDictionary<string, string> Labels,
    TimeSpan Timeout,
    long MaxContextBytes = 512L << 20,
    int MaxLogBytes = 256 << 10)
{
    /// <summary>Memory (no swap) of the build's RUN steps, which run learner commands; null: the engine's default (none).</summary>
    public long? MemoryBytes { get; init; }

    /// <summary>CPUs of the build's RUN steps; null: unbounded.</summary>
    public double? Cpus { get; init; }

    /// <summary>Processes (pids.max) of the build's cgroup, all RUN steps together.</summary>
    public long Pids { get; init; } = BuildDefaults.Pids;

    /// <summary>
    /// Bytes the build may add on top of its base images (every stage's layers and the running step's writable layer
    /// together). Watched while the build runs; a build over it is stopped and its image not kept.
    /// </summary>
    public long DiskBytes { get; init; } = BuildDefaults.DiskBytes;

    /// <summary>Open files per RUN step process (the nofile ulimit); core dumps are always off.</summary>
    public long NoFile { get; init; } = BuildDefaults.NoFile;

    /// <summary>What the build's RUN steps may reach.</summary>
    public BuildNetwork Network { get; init; } = BuildNetwork.None;

    /// <summary>Image name patterns a Dockerfile may build or copy from; null: <see cref="Dockerfiles.BuildReferencePolicy.DefaultAllowedBaseImages"/>.</summary>
    public IReadOnlyList<string>? AllowedBaseImages { get; init; }

    /// <summary>Run the build in a cgroup the runner prepares with the process and memory limits (off only by operator choice).</summary>
    public bool CgroupLimits { get; init; } = true;

    /// <summary>How often the disk use of a running build is measured.</summary>
    public TimeSpan DiskPollInterval { get; init; } = BuildDefaults.DiskPollInterval;
}

/// <summary>Defaults shared by <see cref="ImageBuildRequest"/> and the runner's options.</summary>
public static class BuildDefaults
{
    public const long Pids = 512;

    /// <summary>2.5 GiB: above the 2.2 GB a bundled example (oversized-image) adds, which must fail on image size, not on the build.</summary>
    public const long DiskBytes = 5L << 29;

    public const long NoFile = 4096;

    public static readonly TimeSpan DiskPollInterval = TimeSpan.FromMilliseconds(250);
}

/// <summary>What a build's RUN steps may reach.</summary>
public enum BuildNetwork
{
    /// <summary>No network at all (the default).</summary>
    None,

    /// <summary>Public addresses only, through a guarded bridge network per build (no host, private, link-local or other jobs).</summary>
    Egress,
}

/// <summary>How a build ended. Learner failures (bad Dockerfile, timeout, oversized context) are outcomes; infrastructure failures throw <see cref="GraderInfrastructureException"/>.</summary>
public sealed record ImageBuildOutcome(
    bool Succeeded,
    string? ImageId,
    string Log,
    bool LogTruncated,
    TimeSpan Duration,
    bool TimedOut,
    string? Error)
{
    /// <summary>The image was not built now: an image built earlier from the same files and base images was reused.</summary>
    public bool Reused { get; init; }
}

/// <summary>Builds a learner's image from a build context.</summary>
public interface IImageBuilder
{
    Task<ImageBuildOutcome> BuildAsync(ImageBuildRequest request, IProgress<string>? progress, CancellationToken cancellationToken);
}
