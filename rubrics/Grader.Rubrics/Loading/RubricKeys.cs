namespace Grader.Rubrics.Loading;

/// <summary>
/// The keys each map of the rubric format accepts. The loader reports any other key; the schema tests
/// assert that <c>rubrics/schema/rubric.schema.json</c> declares exactly these properties.
/// </summary>
internal static class RubricKeys
{
    public static readonly IReadOnlyList<string> TopLevel =
        ["module", "competencies", "pass_mark", "total_points", "review", "service", "limits", "criteria", "extends", "include"];

    /// <summary>Top-level settings that only a root rubric or a base named by <c>extends</c> may set.</summary>
    public static readonly IReadOnlyList<string> Settings = ["pass_mark", "total_points", "review", "service", "limits"];

    public static readonly IReadOnlyList<string> Module = ["id", "title", "role", "description"];
    public static readonly IReadOnlyList<string> Competency = ["name", "level", "description"];
    public static readonly IReadOnlyList<string> Review = ["on_pass", "on_fail", "on_gate_failure", "on_incomplete"];
    public static readonly IReadOnlyList<string> Service = ["port", "command", "env", "readiness_path", "readiness_timeout", "restart", "gpu"];
    public static readonly IReadOnlyList<string> Limits = ["memory", "cpus", "pids", "tmp", "output", "timeout"];
    public static readonly IReadOnlyList<string> Criterion = ["id", "title", "points", "weight", "gate", "check", "credit", "feedback", "evidence"];
    public static readonly IReadOnlyList<string> Feedback = ["met", "partial", "not_met", "hint"];
    public static readonly IReadOnlyList<string> Credit = ["threshold", "at_most", "linear", "steps"];
    public static readonly IReadOnlyList<string> Linear = ["zero", "full"];
    public static readonly IReadOnlyList<string> Step = ["at_least", "at_most", "points"];

    public static readonly IReadOnlyList<string> Build = ["max_time", "dockerfile", "context"];
    public static readonly IReadOnlyList<string> ImageSize = ["max", "show_layers"];
    public static readonly IReadOnlyList<string> Tests = ["command", "report", "report_path", "min_pass_ratio", "min_tests", "timeout", "workdir", "gpu", "hidden"];
    public static readonly IReadOnlyList<string> Hidden = ["path", "repository", "ref", "subfolder", "mount", "image", "service", "submission", "show"];
    public static readonly IReadOnlyList<string> HttpProbe = ["method", "path", "body", "headers", "expect"];
    public static readonly IReadOnlyList<string> Expect = ["status", "json", "body_regex", "max_latency"];
    public static readonly IReadOnlyList<string> Metrics = ["path", "require", "increases"];
    public static readonly IReadOnlyList<string> RequiredMetric = ["name", "type", "labels"];
    public static readonly IReadOnlyList<string> IncreasingMetric = ["name", "after"];
    public static readonly IReadOnlyList<string> After = ["method", "path", "body", "requests"];
    public static readonly IReadOnlyList<string> Load = ["method", "path", "body", "headers", "mode", "concurrency", "rate", "duration", "warmup", "repetitions", "thresholds", "baseline"];
    public static readonly IReadOnlyList<string> Thresholds = ["p50", "p95", "p99", "error_rate", "throughput"];
    public static readonly IReadOnlyList<string> Baseline = ["path", "tolerance"];
    public static readonly IReadOnlyList<string> Benchmark = ["command", "format", "output", "benchmark", "metric", "higher_is_better", "threshold", "repetitions", "timeout", "gpu", "baseline"];
    public static readonly IReadOnlyList<string> Gpu = ["during", "max_memory", "min_utilization", "sample_interval"];
    public static readonly IReadOnlyList<string> Recovery = ["fault", "slo", "health_path"];
    public static readonly IReadOnlyList<string> Files = ["require"];
    public static readonly IReadOnlyList<string> RequiredFile = ["path", "sections", "min_words"];
    public static readonly IReadOnlyList<string> Dockerfile = ["path", "pinned_base", "non_root", "healthcheck", "no_secrets"];
    public static readonly IReadOnlyList<string> Quiz = ["answers", "key", "pass_mark"];

    /// <summary>Keys of each check type's map, by check type (the schema's definition names follow the type).</summary>
    public static readonly IReadOnlyDictionary<string, IReadOnlyList<string>> ByCheckKind = new Dictionary<string, IReadOnlyList<string>>
    {
        ["build"] = Build, ["image_size"] = ImageSize, ["tests"] = Tests, ["http_probe"] = HttpProbe,
        ["metrics"] = Metrics, ["load"] = Load, ["benchmark"] = Benchmark, ["gpu"] = Gpu,
        ["recovery"] = Recovery, ["files"] = Files, ["dockerfile"] = Dockerfile, ["quiz"] = Quiz,
    };
}
