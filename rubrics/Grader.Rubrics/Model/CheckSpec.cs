namespace Grader.Rubrics.Model;

/// <summary>
/// A check the runner performs for a criterion. Each concrete type is one key in the rubric YAML
/// (<see cref="Kind"/>), and the runner has one executor per kind.
/// </summary>
public abstract record CheckSpec
{
    /// <summary>What this kind of check is: its YAML name and keys, measure unit, phase, whether it needs the image.</summary>
    public abstract CheckKind Descriptor { get; }

    /// <summary>The YAML key naming the check type, e.g. <c>image_size</c>.</summary>
    public string Kind => Descriptor.Name;

    /// <summary>Whether the check needs the learner's service running (probes, metrics, load, recovery).</summary>
    public virtual bool NeedsService => false;

    /// <summary>Whether the check needs a GPU on the runner.</summary>
    public virtual bool NeedsGpu => false;

    public SourceLocation? Location { get; init; }

    /// <summary>Every check kind the language knows, for the loader's "unknown check type" message and the schema.</summary>
    public static IReadOnlyList<string> AllKinds { get; } = [.. CheckKind.All.Select(k => k.Name)];
}

/// <summary>The learner's image builds within a time limit.</summary>
public sealed record BuildCheck : CheckSpec
{
    public const string KindName = "build";
    public override CheckKind Descriptor => CheckKind.Build;
    public TimeSpan MaxTime { get; init; } = TimeSpan.FromMinutes(10);
    /// <summary>Dockerfile path relative to the context.</summary>
    public string Dockerfile { get; init; } = "Dockerfile";
    /// <summary>Build context relative to the submission root.</summary>
    public string Context { get; init; } = ".";
}

/// <summary>The built image is no larger than <see cref="Max"/>. Measure: size in bytes.</summary>
public sealed record ImageSizeCheck : CheckSpec
{
    public const string KindName = "image_size";
    public override CheckKind Descriptor => CheckKind.ImageSize;
    public required ByteSize Max { get; init; }
    /// <summary>How many of the largest layers the feedback lists.</summary>
    public int ShowLayers { get; init; } = 5;
}

public enum TestReportFormat
{
    JUnit,
    ExitCode,
}

/// <summary>
/// Tests: the learner's own tests run in a container of the built image; hidden (instructor) tests run in a
/// grader-owned image, never the learner's. Measure: pass ratio (0..1).
/// </summary>
public sealed record TestsCheck : CheckSpec
{
    public const string KindName = "tests";
    public const string DefaultReportPath = "/grader/results/junit.xml";
    public override CheckKind Descriptor => CheckKind.Tests;
    public required IReadOnlyList<string> Command { get; init; }
    public TestReportFormat Report { get; init; } = TestReportFormat.JUnit;
    /// <summary>The JUnit XML file the command writes inside the container; only this file is read.</summary>
    public string ReportPath { get; init; } = DefaultReportPath;
    public double MinPassRatio { get; init; } = 1.0;
    /// <summary>Minimum number of tests that must run (guards against a suite that silently collects nothing).</summary>
    public int MinTests { get; init; } = 1;
    public HiddenTestsSpec? Hidden { get; init; }
    public TimeSpan Timeout { get; init; } = TimeSpan.FromMinutes(5);
    /// <summary>Working directory inside the container; null = the image's WORKDIR.</summary>
    public string? WorkingDirectory { get; init; }
    public bool Gpu { get; init; }
    public override bool NeedsGpu => Gpu;
    /// <summary>Hidden tests that probe the learner's running service need it started first.</summary>
    public override bool NeedsService => Hidden is { Service: true };
}

/// <summary>What the review, check run and result.json show of a hidden test run.</summary>
public enum HiddenTestVisibility
{
    /// <summary>Counts and the names of failing tests (the default).</summary>
    Names,
    /// <summary>Also the first line of each failure message.</summary>
    Messages,
    /// <summary>Also the failure annotations and the tail of the test output.</summary>
    Output,
}

/// <summary>
/// Instructor-controlled tests. They run in a grader-owned image (<see cref="Image"/>), never in the learner's:
/// learner code cannot execute where they run, so it can neither read them nor alter their outcome.
/// </summary>
/// <param name="Path">A folder (relative to the rubric, or absolute) on the runner, or null when <paramref name="Repository"/> is used.</param>
/// <param name="Repository">A git clone URL of an instructor repository, or null.</param>
/// <param name="Ref">Branch, tag or commit of <paramref name="Repository"/>.</param>
/// <param name="Subfolder">Folder inside the repository.</param>
/// <param name="MountPath">Where the hidden tests appear (read-only) inside the test container.</param>
public sealed record HiddenTestsSpec(string? Path, string? Repository, string? Ref, string? Subfolder, string MountPath = HiddenTestsSpec.DefaultMountPath)
{
    public const string DefaultMountPath = "/grader/hidden";

    /// <summary>Where the learner's files appear (read-only) when <see cref="Submission"/> is set.</summary>
    public const string SubmissionMountPath = "/grader/submission";

    /// <summary>The environment variable holding the service's base URL when <see cref="Service"/> is set.</summary>
    public const string ServiceUrlVariable = "GRADER_SERVICE_URL";

    /// <summary>The grader-owned image the tests run in; null = the runner's default (Grader:Sandbox:HiddenTestImage).</summary>
    public string? Image { get; init; }

    /// <summary>Start the learner's service and let the tests reach it (black-box) at <see cref="ServiceUrlVariable"/>.</summary>
    public bool Service { get; init; }

    /// <summary>Copy the learner's files, read-only, to <see cref="SubmissionMountPath"/> for static inspection (never executed).</summary>
    public bool Submission { get; init; }

    public HiddenTestVisibility Show { get; init; } = HiddenTestVisibility.Names;
}

/// <summary>An HTTP request to the running service and what the answer must look like. Measure: latency in ms.</summary>
public sealed record HttpProbeCheck : CheckSpec
{
    public const string KindName = "http_probe";
    public override CheckKind Descriptor => CheckKind.HttpProbe;
    public override bool NeedsService => true;
    public string Method { get; init; } = "GET";
    public required string Path { get; init; }
    public string? Body { get; init; }
    public IReadOnlyDictionary<string, string> Headers { get; init; } = new Dictionary<string, string>();
    public int ExpectStatus { get; init; } = 200;
    /// <summary>JSON fields (dot paths such as <c>status</c> or <c>predictions.0.label</c>) and the value each must have; "*" = present.</summary>
    public IReadOnlyDictionary<string, string> ExpectJson { get; init; } = new Dictionary<string, string>();
    public string? ExpectBodyRegex { get; init; }
    public TimeSpan? MaxLatency { get; init; }
}

/// <summary>Prometheus metrics exposed by the service. Measure: fraction of required metrics found (0..1).</summary>
public sealed record MetricsCheck : CheckSpec
{
    public const string KindName = "metrics";
    public override CheckKind Descriptor => CheckKind.Metrics;
    public override bool NeedsService => true;
    public string Path { get; init; } = "/metrics";
    public IReadOnlyList<RequiredMetric> Require { get; init; } = [];
    /// <summary>Counters that must increase after the given requests are sent.</summary>
    public IReadOnlyList<IncreasingMetric> Increases { get; init; } = [];
}

/// <param name="Type">counter, gauge, histogram, summary, untyped; null = any.</param>
public sealed record RequiredMetric(string Name, string? Type, IReadOnlyList<string> Labels);

/// <summary>After sending <paramref name="Requests"/> requests described by <paramref name="Method"/>/<paramref name="Path"/>/<paramref name="Body"/>, the metric's sum over series must increase.</summary>
public sealed record IncreasingMetric(string Name, string Method, string Path, string? Body, int Requests);

public enum LoadMode
{
    /// <summary>N concurrent workers, each sending the next request when the last answers.</summary>
    Closed,
    /// <summary>A fixed request rate; latency measured from the intended send time.</summary>
    Open,
}

/// <summary>A load benchmark against an endpoint of the service. Measure: p95 latency in ms.</summary>
public sealed record LoadCheck : CheckSpec
{
    public const string KindName = "load";
    public override CheckKind Descriptor => CheckKind.Load;
    public override bool NeedsService => true;
    public string Method { get; init; } = "GET";
    public required string Path { get; init; }
    public string? Body { get; init; }
    public IReadOnlyDictionary<string, string> Headers { get; init; } = new Dictionary<string, string>();
    public LoadMode Mode { get; init; } = LoadMode.Closed;
    public int Concurrency { get; init; } = 8;
    /// <summary>Requests per second, for open-loop mode.</summary>
    public double? Rate { get; init; }
    public TimeSpan Duration { get; init; } = TimeSpan.FromSeconds(10);
    public TimeSpan Warmup { get; init; } = TimeSpan.FromSeconds(2);
    public int Repetitions { get; init; } = 3;
    public TimeSpan? MaxP50 { get; init; }
    public TimeSpan? MaxP95 { get; init; }
    public TimeSpan? MaxP99 { get; init; }
    /// <summary>Maximum error fraction (0..1).</summary>
    public double? MaxErrorRate { get; init; }
    /// <summary>Minimum throughput in requests per second.</summary>
    public double? MinThroughput { get; init; }
    public BaselineSpec? Baseline { get; init; }
}

/// <summary>Where a baseline comes from and how much worse than it is tolerated.</summary>
/// <param name="Path">A results file (relative to the rubric) holding the reference solution's results; null = the previous graded commit.</param>
/// <param name="Tolerance">Tolerated regression as a fraction (0.10 = 10% worse).</param>
public sealed record BaselineSpec(string? Path, double Tolerance = 0.10);

/// <summary>
/// A reference measured in the same job as the learner's code, interleaved round by round (L R R L ...) in the same
/// sandbox limits and on the same CPUs, so that what else the runner is doing slows both alike; the verdict is on the
/// paired ratio and its confidence interval.
/// </summary>
/// <param name="Solution">The instructor's reference solution, a folder relative to the rubric built like the learner's image; null = <see cref="BaseCommit"/>.</param>
/// <param name="Tolerance">Tolerated slowdown as a fraction (0.10 = 10% worse than the reference).</param>
public sealed record BenchmarkReferenceSpec(string? Solution, double Tolerance = 0.10)
{
    public const int DefaultRounds = 6;
    public const double DefaultConfidence = 0.95;

    /// <summary>The reference is the pull request's base commit of the learner's own repository.</summary>
    public bool BaseCommit => Solution is null;

    /// <summary>Interleaved rounds; each runs the learner's and the reference's benchmark once. Even counts balance who goes first.</summary>
    public int Rounds { get; init; } = DefaultRounds;

    /// <summary>Two-sided confidence level of the ratio's interval.</summary>
    public double Confidence { get; init; } = DefaultConfidence;
}

public enum BenchmarkFormat
{
    PytestBenchmark,
    GoogleBenchmark,
    BenchmarkDotNet,
    Generic,
}

/// <summary>The learner's benchmark command run in the container, emitting JSON. Measure: the metric's median.</summary>
public sealed record BenchmarkCheck : CheckSpec
{
    public const string KindName = "benchmark";
    public override CheckKind Descriptor => CheckKind.Benchmark;
    public required IReadOnlyList<string> Command { get; init; }
    public BenchmarkFormat Format { get; init; } = BenchmarkFormat.Generic;
    /// <summary>The JSON file the command writes inside the container; null = read stdout.</summary>
    public string? Output { get; init; }
    /// <summary>Which benchmark (name) and statistic to use, e.g. <c>predict_batch</c>.</summary>
    public string? Benchmark { get; init; }
    /// <summary>Statistic: mean, median, min, max, p95, ops (operations per second).</summary>
    public string Metric { get; init; } = "median";
    /// <summary>Whether higher values of the metric are better (throughput) or lower (latency).</summary>
    public bool HigherIsBetter { get; init; }
    /// <summary>Absolute threshold on the metric (in the benchmark's own unit, seconds for times); null = none.</summary>
    public double? Threshold { get; init; }
    public int Repetitions { get; init; } = 3;
    public BaselineSpec? Baseline { get; init; }
    /// <summary>A reference run in the same job, interleaved with the learner's runs; excludes <see cref="Baseline"/>.</summary>
    public BenchmarkReferenceSpec? Reference { get; init; }
    public TimeSpan Timeout { get; init; } = TimeSpan.FromMinutes(10);
    public bool Gpu { get; init; }
    public override bool NeedsGpu => Gpu;
}

/// <summary>GPU requirements and telemetry thresholds during a step. Measure: peak GPU memory in bytes.</summary>
public sealed record GpuCheck : CheckSpec
{
    public const string KindName = "gpu";
    public override CheckKind Descriptor => CheckKind.Gpu;
    public override bool NeedsGpu => true;
    /// <summary>Which step the telemetry summarises: tests, benchmark, load or service.</summary>
    public string During { get; init; } = "benchmark";
    public ByteSize? MaxMemory { get; init; }
    /// <summary>Minimum mean utilisation (0..1).</summary>
    public double? MinUtilization { get; init; }
    public TimeSpan SampleInterval { get; init; } = TimeSpan.FromMilliseconds(200);
}

public enum RecoveryFault
{
    /// <summary>Kill the service's main process inside the container.</summary>
    KillProcess,
    /// <summary>Kill the container itself.</summary>
    KillContainer,
    /// <summary>Send SIGTERM and require a clean exit within the deadline.</summary>
    GracefulShutdown,
}

/// <summary>Failure injection and time to healthy again. Measure: recovery time in ms.</summary>
public sealed record RecoveryCheck : CheckSpec
{
    public const string KindName = "recovery";
    public override CheckKind Descriptor => CheckKind.Recovery;
    public override bool NeedsService => true;
    public RecoveryFault Fault { get; init; } = RecoveryFault.KillProcess;
    /// <summary>Time to healthy again (or to exit cleanly, for graceful shutdown) that meets the SLO.</summary>
    public required TimeSpan Slo { get; init; }
    public string HealthPath { get; init; } = "/health";
}

/// <summary>Files and documents that must exist, with required sections. Measure: fraction of requirements met.</summary>
public sealed record FilesCheck : CheckSpec
{
    public const string KindName = "files";
    public override CheckKind Descriptor => CheckKind.Files;
    public required IReadOnlyList<RequiredFile> Require { get; init; }
}

/// <param name="Path">A path or glob relative to the submission root (first match is checked).</param>
/// <param name="Sections">Headings that must appear (case-insensitive, Markdown headings of any level).</param>
/// <param name="MinWords">Minimum words of prose in the file.</param>
public sealed record RequiredFile(string Path, IReadOnlyList<string> Sections, int MinWords = 0);

/// <summary>Dockerfile practices. Measure: fraction of the selected practices followed.</summary>
public sealed record DockerfileCheck : CheckSpec
{
    public const string KindName = "dockerfile";
    public override CheckKind Descriptor => CheckKind.Dockerfile;
    public string Path { get; init; } = "Dockerfile";
    public bool PinnedBase { get; init; } = true;
    public bool NonRootUser { get; init; } = true;
    public bool Healthcheck { get; init; } = true;
    public bool NoSecrets { get; init; } = true;
}

/// <summary>
/// What the built image will run as and announce, read from its configuration (so a base image's USER or
/// HEALTHCHECK counts, and a later <c>USER root</c> too). Measure: fraction of the requirements met.
/// </summary>
public sealed record ImageConfigCheck : CheckSpec
{
    public const string KindName = "image_config";
    public override CheckKind Descriptor => CheckKind.ImageConfig;
    /// <summary>The image's user is not root under any spelling (numeric uid, resolved in the image's /etc/passwd).</summary>
    public bool NonRoot { get; init; }
    /// <summary>The image declares a HEALTHCHECK (its own or its base's) that is not <c>NONE</c>.</summary>
    public bool Healthcheck { get; init; }
    /// <summary>Ports the image must EXPOSE, as <c>8000/tcp</c> (a bare number means TCP).</summary>
    public IReadOnlyList<string> Exposes { get; init; } = [];
}

/// <summary>A quiz graded against an answer key the learner never sees. Measure: score fraction (0..1).</summary>
public sealed record QuizCheck : CheckSpec
{
    public const string KindName = "quiz";
    public override CheckKind Descriptor => CheckKind.Quiz;
    /// <summary>The learner's answers file in the submission (YAML: question id to answer).</summary>
    public string Answers { get; init; } = "quiz/answers.yaml";
    /// <summary>The answer key on the runner, relative to the rubric (instructor-controlled).</summary>
    public required string Key { get; init; }
    public double PassMark { get; init; } = 0.7;
}
