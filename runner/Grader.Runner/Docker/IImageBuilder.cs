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
}

/// <summary>How a build ended. Learner failures (bad Dockerfile, timeout, oversized context) are outcomes; infrastructure failures throw <see cref="GraderInfrastructureException"/>.</summary>
public sealed record ImageBuildOutcome(
    bool Succeeded,
    string? ImageId,
    string Log,
    bool LogTruncated,
    TimeSpan Duration,
    bool TimedOut,
    string? Error);

/// <summary>Builds a learner's image from a build context.</summary>
public interface IImageBuilder
{
    Task<ImageBuildOutcome> BuildAsync(ImageBuildRequest request, IProgress<string>? progress, CancellationToken cancellationToken);
}
