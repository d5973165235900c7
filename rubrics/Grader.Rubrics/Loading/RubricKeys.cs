using Grader.Rubrics.Model;

namespace Grader.Rubrics.Loading;

/// <summary>
/// The keys each map of the rubric format accepts. The loader reports any other key; the schema tests
/// assert that <c>rubrics/schema/rubric.schema.json</c> declares exactly these properties.
/// </summary>
internal static class RubricKeys
{
    public static readonly IReadOnlyList<string> TopLevel =
        ["module", "competencies", "pass_mark", "total_points", "review", "service", "limits", "deadline", "leaderboard", "criteria", "extends", "include"];

    /// <summary>Top-level settings that only a root rubric or a base named by <c>extends</c> may set.</summary>
    public static readonly IReadOnlyList<string> Settings = ["pass_mark", "total_points", "review", "service", "limits", "deadline", "leaderboard"];

    public static readonly IReadOnlyList<string> Module = ["id", "title", "role", "description"];
    public static readonly IReadOnlyList<string> Competency = ["name", "level", "description"];
    public static readonly IReadOnlyList<string> Review = ["on_pass", "on_fail", "on_gate_failure", "on_incomplete"];
    public static readonly IReadOnlyList<string> Service = ["port", "command", "env", "readiness_path", "readiness_timeout", "restart", "gpu"];
    public static readonly IReadOnlyList<string> Limits = ["memory", "cpus", "pids", "tmp", "output", "timeout"];
    public static readonly IReadOnlyList<string> Criterion = ["id", "title", "points", "weight", "gate", "check", "credit", "feedback", "evidence", "visibility"];
    public static readonly IReadOnlyList<string> Deadline = ["due", "time_zone", "grace", "late_policy", "close"];
    public static readonly IReadOnlyList<string> Leaderboard = ["criterion", "order", "show"];
    public static readonly IReadOnlyList<string> LatePolicy = ["penalty", "per", "floor", "not_accepted"];
    public static readonly IReadOnlyList<string> Feedback = ["met", "partial", "not_met", "hint"];
    public static readonly IReadOnlyList<string> Credit = ["threshold", "at_most", "linear", "steps"];
    public static readonly IReadOnlyList<string> Linear = ["zero", "full"];
    public static readonly IReadOnlyList<string> Step = ["at_least", "at_most", "points"];

    public static readonly IReadOnlyList<string> Build = CheckKind.Build.Keys;
    public static readonly IReadOnlyList<string> ImageSize = CheckKind.ImageSize.Keys;
    public static readonly IReadOnlyList<string> ImageConfig = CheckKind.ImageConfig.Keys;
    public static readonly IReadOnlyList<string> Tests = CheckKind.Tests.Keys;
    public static readonly IReadOnlyList<string> Hidden = ["path", "repository", "ref", "subfolder", "mount", "image", "service", "submission", "show"];
    public static readonly IReadOnlyList<string> HttpProbe = CheckKind.HttpProbe.Keys;
    public static readonly IReadOnlyList<string> Expect = ["status", "json", "body_regex", "max_latency"];
    public static readonly IReadOnlyList<string> Metrics = CheckKind.Metrics.Keys;
    public static readonly IReadOnlyList<string> RequiredMetric = ["name", "type", "labels"];
    public static readonly IReadOnlyList<string> IncreasingMetric = ["name", "after"];
    public static readonly IReadOnlyList<string> After = ["method", "path", "body", "requests"];
    public static readonly IReadOnlyList<string> Load = CheckKind.Load.Keys;
    public static readonly IReadOnlyList<string> Thresholds = ["p50", "p95", "p99", "error_rate", "throughput"];
    public static readonly IReadOnlyList<string> Baseline = ["path", "tolerance"];
    public static readonly IReadOnlyList<string> Benchmark = CheckKind.Benchmark.Keys;
    public static readonly IReadOnlyList<string> BenchmarkReference = ["solution", "base_commit", "tolerance", "rounds", "confidence"];
    public static readonly IReadOnlyList<string> Gpu = CheckKind.Gpu.Keys;
    public static readonly IReadOnlyList<string> Recovery = CheckKind.Recovery.Keys;
    public static readonly IReadOnlyList<string> Files = CheckKind.Files.Keys;
    public static readonly IReadOnlyList<string> RequiredFile = ["path", "sections", "min_words"];
    public static readonly IReadOnlyList<string> Dockerfile = CheckKind.Dockerfile.Keys;
    public static readonly IReadOnlyList<string> Quiz = CheckKind.Quiz.Keys;

    /// <summary>Keys of each check type's map, by check type (the schema's definition names follow the type).</summary>
    public static readonly IReadOnlyDictionary<string, IReadOnlyList<string>> ByCheckKind =
        CheckKind.All.ToDictionary(k => k.Name, k => k.Keys, StringComparer.Ordinal);
}
