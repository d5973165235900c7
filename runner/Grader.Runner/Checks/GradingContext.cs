using Grader.Rubrics.Model;
using Grader.Runner.Docker;
using Grader.Runner.Gpu;
using Grader.Runner.Service;

namespace Grader.Runner.Checks;

/// <summary>
/// What check executors can see of the job being graded. The pipeline fills it in step by step
/// (checkout, build, service start, telemetry); executors read it. Their own dependencies (Docker
/// sandbox, HTTP client, NVML) come from DI, not from here. A record so the pipeline can give each check
/// a view with its own progress sink (<c>context with { Progress = ... }</c>) that shares everything else.
/// </summary>
public sealed record GradingContext
{
    public required string JobId { get; init; }
    public required string RunnerId { get; init; }
    public required Rubric Rubric { get; init; }

    /// <summary>The checked-out submission on the runner (read-only for executors).</summary>
    public required string SubmissionDirectory { get; init; }

    /// <summary>Scratch folder of this job on the runner (report copies, hidden test checkouts).</summary>
    public required string WorkDirectory { get; init; }

    /// <summary>The commit graded, when the submission came from git.</summary>
    public string? CommitSha { get; init; }

    /// <summary>The learner's repository (e.g. <c>owner/name</c>), when known: keys "previous graded commit" baselines.</summary>
    public string? Repository { get; init; }

    /// <summary>The folder relative paths in the rubric resolve against (answer keys, baselines, hidden tests).</summary>
    public string RubricDirectory => Rubric.Directory ?? SubmissionDirectory;

    /// <summary>Hidden tests override from the command line or bot config (a folder), replacing the rubric's.</summary>
    public string? HiddenTestsDirectory { get; init; }

    /// <summary>Hidden tests fetched from an instructor repository for a tests criterion (criterion id to folder), by the pipeline.</summary>
    public IDictionary<string, string> HiddenTestFolders { get; } = new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>Reports progress of the step in flight (e.g. "load: repetition 2/3").</summary>
    public IProgress<string>? Progress { get; init; }

    /// <summary>The build's outcome; null before the build step.</summary>
    public ImageBuildOutcome? Build { get; set; }

    /// <summary>The built image; null when the build failed or has not run.</summary>
    public ImageDetails? Image { get; set; }

    /// <summary>
    /// Reference images of benchmark criteria with a <c>reference</c> (criterion id to image, or why there is none), built
    /// by the pipeline once per job and reference after the learner's image.
    /// </summary>
    public IDictionary<string, ReferenceImage> ReferenceImages { get; } = new Dictionary<string, ReferenceImage>(StringComparer.Ordinal);

    /// <summary>The service start outcome, when the rubric has service checks.</summary>
    public ServiceStartOutcome? ServiceStart { get; set; }

    /// <summary>GPUs leased to this job; null when the rubric needs none or the runner has none.</summary>
    public IGpuLease? Gpus { get; set; }

    /// <summary>Telemetry per step (tests, benchmark, load, service), when GPUs are leased.</summary>
    public IDictionary<string, GpuTelemetrySummary> GpuTelemetry { get; } = new Dictionary<string, GpuTelemetrySummary>(StringComparer.Ordinal);

    /// <summary>Labels for a Docker object of this job with the given role.</summary>
    public Dictionary<string, string> LabelsFor(string role) => DockerLabels.For(RunnerId, JobId, role);
}

/// <summary>A benchmark reference's image (built like the learner's, in the same hardened builder), or why there is none.</summary>
/// <param name="Image">The built image; null when <paramref name="Problem"/> says why not.</param>
/// <param name="Description">What the reference is, for feedback ("reference solution ../reference/lab3", "base commit abc1234").</param>
/// <param name="Problem">Why the reference cannot run (it did not build, the base commit is unknown): a grader error, never the learner's.</param>
public sealed record ReferenceImage(ImageDetails? Image, string Description, string? Problem = null);
