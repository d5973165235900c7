namespace Grader.Rubrics.Model;

/// <summary>The unit of a check's measure, which decides how credit bounds may be written and how a measure reads.</summary>
public enum MeasureUnit
{
    /// <summary>0..1: percentages or fractions.</summary>
    Ratio,
    /// <summary>Sizes, compared in bytes.</summary>
    Bytes,
    /// <summary>Durations, compared in milliseconds.</summary>
    Milliseconds,
    /// <summary>Durations, compared in seconds.</summary>
    Seconds,
    /// <summary>A plain number in the check's own unit (a benchmark's).</summary>
    Number,
    /// <summary>Only while loading: the check did not parse, so any form is accepted without a unit check.</summary>
    Unknown,
}

/// <summary>When the pipeline runs a kind of check, relative to the others.</summary>
public enum CheckPhase
{
    /// <summary>Measures no time or resources: may run side by side with the other checks of this phase.</summary>
    Concurrent,
    /// <summary>Measures time or resources, or drives the service: runs alone, in rubric order.</summary>
    Sequential,
    /// <summary>Summarises what the measured steps recorded (GPU telemetry): runs after them.</summary>
    AfterMeasuredSteps,
    /// <summary>Damages the service (fault injection): runs last.</summary>
    Last,
}

/// <summary>
/// Everything about a kind of check that is not per criterion: its YAML name and keys, its measure's unit, when it
/// runs and whether it needs the learner's image. The loader, the scorer, the renderer, the schema tests and the
/// pipeline read these; a new kind is one descriptor here, one spec record, one parse method and one executor
/// (runner/README.md, "Adding a check kind").
/// </summary>
public sealed record CheckKind(string Name, MeasureUnit Unit, CheckPhase Phase, bool NeedsImage, IReadOnlyList<string> Keys)
{
    public static readonly CheckKind Build = new(BuildCheck.KindName, MeasureUnit.Seconds, CheckPhase.Concurrent, NeedsImage: true,
        ["max_time", "dockerfile", "context"]);

    public static readonly CheckKind ImageSize = new(ImageSizeCheck.KindName, MeasureUnit.Bytes, CheckPhase.Concurrent, NeedsImage: true,
        ["max", "show_layers"]);

    public static readonly CheckKind ImageConfig = new(ImageConfigCheck.KindName, MeasureUnit.Ratio, CheckPhase.Concurrent, NeedsImage: true,
        ["non_root", "healthcheck", "exposes"]);

    public static readonly CheckKind Tests = new(TestsCheck.KindName, MeasureUnit.Ratio, CheckPhase.Concurrent, NeedsImage: true,
        ["command", "report", "report_path", "min_pass_ratio", "min_tests", "timeout", "workdir", "gpu", "hidden"]);

    public static readonly CheckKind HttpProbe = new(HttpProbeCheck.KindName, MeasureUnit.Milliseconds, CheckPhase.Sequential, NeedsImage: true,
        ["method", "path", "body", "headers", "expect"]);

    public static readonly CheckKind Metrics = new(MetricsCheck.KindName, MeasureUnit.Ratio, CheckPhase.Sequential, NeedsImage: true,
        ["path", "require", "increases"]);

    public static readonly CheckKind Load = new(LoadCheck.KindName, MeasureUnit.Milliseconds, CheckPhase.Sequential, NeedsImage: true,
        ["method", "path", "body", "headers", "mode", "concurrency", "rate", "duration", "warmup", "repetitions", "thresholds", "baseline"]);

    public static readonly CheckKind Benchmark = new(BenchmarkCheck.KindName, MeasureUnit.Number, CheckPhase.Sequential, NeedsImage: true,
        ["command", "format", "output", "benchmark", "metric", "higher_is_better", "threshold", "repetitions", "timeout", "gpu", "baseline", "reference"]);

    public static readonly CheckKind Gpu = new(GpuCheck.KindName, MeasureUnit.Bytes, CheckPhase.AfterMeasuredSteps, NeedsImage: true,
        ["during", "max_memory", "min_utilization", "sample_interval"]);

    public static readonly CheckKind Recovery = new(RecoveryCheck.KindName, MeasureUnit.Milliseconds, CheckPhase.Last, NeedsImage: true,
        ["fault", "slo", "health_path"]);

    public static readonly CheckKind Files = new(FilesCheck.KindName, MeasureUnit.Ratio, CheckPhase.Concurrent, NeedsImage: false,
        ["require"]);

    public static readonly CheckKind Dockerfile = new(DockerfileCheck.KindName, MeasureUnit.Ratio, CheckPhase.Concurrent, NeedsImage: false,
        ["path", "pinned_base", "non_root", "healthcheck", "no_secrets"]);

    public static readonly CheckKind Quiz = new(QuizCheck.KindName, MeasureUnit.Ratio, CheckPhase.Concurrent, NeedsImage: false,
        ["answers", "key", "pass_mark"]);

    /// <summary>Every kind the rubric language knows, in the order the docs list them.</summary>
    public static readonly IReadOnlyList<CheckKind> All = [Build, ImageSize, ImageConfig, Tests, HttpProbe, Metrics, Load, Benchmark, Gpu, Recovery, Files, Dockerfile, Quiz];

    /// <summary>The kind named <paramref name="name"/>; an unknown name is a programming error, never a silent default.</summary>
    public static CheckKind Named(string name) =>
        TryNamed(name) ?? throw new ArgumentException($"'{name}' is not a check kind; known: {string.Join(", ", All.Select(k => k.Name))}", nameof(name));

    public static CheckKind? TryNamed(string? name) => All.FirstOrDefault(k => string.Equals(k.Name, name, StringComparison.Ordinal));
}
