using Grader.Rubrics.Loading.Yaml;
using Grader.Rubrics.Model;

namespace Grader.Rubrics.Loading;

/// <summary>Parses a criterion's <c>check</c>: one key naming the check type, its map of settings.</summary>
internal static class CheckParser
{
    private static readonly IReadOnlyDictionary<string, TestReportFormat> ReportFormats =
        new Dictionary<string, TestReportFormat> { ["junit"] = TestReportFormat.JUnit, ["exit_code"] = TestReportFormat.ExitCode };

    private static readonly IReadOnlyDictionary<string, LoadMode> LoadModes =
        new Dictionary<string, LoadMode> { ["closed"] = LoadMode.Closed, ["open"] = LoadMode.Open };

    private static readonly IReadOnlyDictionary<string, BenchmarkFormat> BenchmarkFormats = new Dictionary<string, BenchmarkFormat>
    {
        ["pytest-benchmark"] = BenchmarkFormat.PytestBenchmark, ["google-benchmark"] = BenchmarkFormat.GoogleBenchmark,
        ["benchmarkdotnet"] = BenchmarkFormat.BenchmarkDotNet, ["generic"] = BenchmarkFormat.Generic,
    };

    private static readonly IReadOnlyDictionary<string, RecoveryFault> Faults = new Dictionary<string, RecoveryFault>
    {
        ["kill_process"] = RecoveryFault.KillProcess, ["kill_container"] = RecoveryFault.KillContainer, ["graceful_shutdown"] = RecoveryFault.GracefulShutdown,
    };

    /// <summary>Plain string choices go through this map to reuse the enum-choice reporting.</summary>
    private static IReadOnlyDictionary<string, int> Choices(params string[] names) => names.Select((n, i) => (n, i)).ToDictionary(p => p.n, p => p.i);

    internal static readonly string[] HttpMethods = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"];
    internal static readonly string[] BenchmarkMetrics = ["mean", "median", "min", "max", "p95", "ops"];
    internal static readonly string[] GpuSteps = ["tests", "benchmark", "load", "service"];
    internal static readonly string[] MetricTypes = ["counter", "gauge", "histogram", "summary", "untyped"];

    /// <summary>Returns the check (null when it has errors) and its kind (null when no known kind is named).</summary>
    public static (CheckSpec? Check, string? Kind) Parse(FileScope file, YNode node)
    {
        if (node is not YMapping map)
        {
            file.Error(node, $"expected a map naming one check type for 'check', found {node.Describe()}; known types: {string.Join(", ", CheckSpec.AllKinds)}");
            return (null, null);
        }
        if (map.Entries.Count == 0)
        {
            file.Error(map, $"'check' names no check type; it needs exactly one of: {string.Join(", ", CheckSpec.AllKinds)}");
            return (null, null);
        }
        string? kind = null;
        CheckSpec? check = null;
        var errorsBefore = file.ErrorCount;
        for (var i = 0; i < map.Entries.Count; i++)
        {
            var entry = map.Entries[i];
            var name = entry.Key.Value;
            if (!CheckSpec.AllKinds.Contains(name))
            {
                var didYouMean = Suggestions.DidYouMean(name, CheckSpec.AllKinds);
                file.Error(entry.Key, $"unknown check type '{name}'{didYouMean}{(didYouMean.Length > 0 ? " K" : "; k")}nown types: {string.Join(", ", CheckSpec.AllKinds)}");
                continue;
            }
            if (kind is not null)
            {
                file.Error(entry.Key, $"a check has exactly one type, but this one names both '{kind}' and '{name}'; use two criteria");
                continue;
            }
            kind = name;
            var settings = entry.Value is YScalar { Kind: ScalarKind.Null } ? new YMapping([], entry.Value.Line, entry.Value.Column) : entry.Value;
            var reader = MapReader.Of(file, settings, $"the '{name}' check", RubricKeys.ByCheckKind[name]);
            if (reader is null) continue;
            check = ParseKind(name, reader);
            if (check is not null) check = check with { Location = file.At(entry.Key) };
        }
        return (file.ErrorCount == errorsBefore ? check : null, kind);
    }

    private static CheckSpec? ParseKind(string kind, MapReader r) => kind switch
    {
        BuildCheck.KindName => Build(r),
        ImageSizeCheck.KindName => ImageSize(r),
        ImageConfigCheck.KindName => ImageConfig(r),
        TestsCheck.KindName => Tests(r),
        HttpProbeCheck.KindName => HttpProbe(r),
        MetricsCheck.KindName => Metrics(r),
        LoadCheck.KindName => Load(r),
        BenchmarkCheck.KindName => Benchmark(r),
        GpuCheck.KindName => Gpu(r),
        RecoveryCheck.KindName => Recovery(r),
        FilesCheck.KindName => Files(r),
        DockerfileCheck.KindName => Dockerfile(r),
        QuizCheck.KindName => Quiz(r),
        // Every name in CheckKind.All has a parse method above: a kind without one is a programming error.
        _ => throw new InvalidOperationException($"The check kind '{kind}' has a descriptor but no parse method in CheckParser."),
    };

    private static BuildCheck Build(MapReader r)
    {
        var c = new BuildCheck();
        return c with
        {
            MaxTime = r.Duration("max_time") ?? c.MaxTime,
            Dockerfile = r.String("dockerfile") ?? c.Dockerfile,
            Context = r.String("context") ?? c.Context,
        };
    }

    private static ImageSizeCheck? ImageSize(MapReader r)
    {
        var max = r.Size("max", required: true);
        var showLayers = r.Integer("show_layers", min: 0);
        return max is null ? null : new ImageSizeCheck { Max = max.Value, ShowLayers = showLayers ?? 5 };
    }

    private static TestsCheck? Tests(MapReader r)
    {
        var command = r.Command("command", required: true);
        var hidden = r.Section("hidden", "'hidden' tests", RubricKeys.Hidden) is { } h ? Hidden(h) : null;
        var defaults = new TestsCheck { Command = [] };
        var check = defaults with
        {
            Report = r.Choice("report", ReportFormats) ?? defaults.Report,
            ReportPath = ReportPath(r) ?? defaults.ReportPath,
            MinPassRatio = r.Ratio("min_pass_ratio") ?? defaults.MinPassRatio,
            MinTests = r.Integer("min_tests", min: 0) ?? defaults.MinTests,
            Timeout = r.Duration("timeout") ?? defaults.Timeout,
            WorkingDirectory = r.String("workdir"),
            Gpu = r.Bool("gpu") ?? false,
            Hidden = hidden,
        };
        if (hidden is not null && check.Gpu)
        {
            r.File.Error(r.KeyNode("gpu")!, "hidden tests run in the grader's test image, which gets no GPU; give the GPU to the service ('service: { gpu: true }') and set 'hidden: { service: true }'");
            return null;
        }
        return command is null ? null : check with { Command = command };
    }

    /// <summary>
    /// The one JUnit file the grader reads. A folder is refused: every file in it would be read, and learner code
    /// can write more files beside the real report.
    /// </summary>
    private static string? ReportPath(MapReader r)
    {
        if (r.String("report_path") is not { } path) return null;
        var folder = path.LastIndexOf('/');
        if (!path.StartsWith('/') || !path.EndsWith(".xml", StringComparison.OrdinalIgnoreCase) || folder <= 0 || path.Contains("/../", StringComparison.Ordinal))
        {
            r.File.Error(r.Node("report_path")!,
                $"'report_path' names the JUnit XML file the tests write, as an absolute path ending in .xml inside a folder (e.g. {TestsCheck.DefaultReportPath}); found '{path}'. Only that file is read, never a whole folder");
            return null;
        }
        return path;
    }

    private static readonly IReadOnlyDictionary<string, HiddenTestVisibility> Visibilities = new Dictionary<string, HiddenTestVisibility>
    {
        ["names"] = HiddenTestVisibility.Names, ["messages"] = HiddenTestVisibility.Messages, ["output"] = HiddenTestVisibility.Output,
    };

    private static HiddenTestsSpec? Hidden(MapReader r)
    {
        var path = r.String("path");
        var repository = r.String("repository");
        var gitRef = r.String("ref");
        var subfolder = r.String("subfolder");
        var mount = r.String("mount") ?? HiddenTestsSpec.DefaultMountPath;
        var image = r.String("image");
        var service = r.Bool("service") ?? false;
        var submission = r.Bool("submission") ?? false;
        var show = r.Choice("show", Visibilities) ?? HiddenTestVisibility.Names;
        if (r.Has("path") == r.Has("repository"))
        {
            r.File.Error(r.Has("path") ? r.KeyNode("repository")! : r.Map, "'hidden' tests need exactly one of 'path' (a folder on the runner) or 'repository' (a git URL)");
            return null;
        }
        if (r.Has("path") && (r.Has("ref") || r.Has("subfolder")))
        {
            r.File.Error(r.KeyNode("ref") ?? r.KeyNode("subfolder")!, "'ref' and 'subfolder' apply to a hidden-tests 'repository', not to a 'path'");
            return null;
        }
        if (!mount.StartsWith('/') || mount.TrimEnd('/') is "" or HiddenTestsSpec.SubmissionMountPath)
        {
            r.File.Error(r.Node("mount")!, $"'mount' is an absolute folder in the test container other than / and {HiddenTestsSpec.SubmissionMountPath}; found '{mount}'");
            return null;
        }
        return new HiddenTestsSpec(path, repository, gitRef, subfolder, mount) { Image = image, Service = service, Submission = submission, Show = show };
    }

    private static string? Method(MapReader r, string key = "method")
    {
        if (r.Node(key) is not { } node) return null;
        return Values.Choice(r.File, node, key, Choices(HttpMethods)) is { } i ? HttpMethods[i] : null;
    }

    private static string? UrlPath(MapReader r, string key, bool required)
    {
        var path = r.String(key, required);
        if (path is not null && !path.StartsWith('/'))
        {
            r.File.Error(r.Node(key)!, $"'{key}' must be a URL path starting with '/'; found '{path}'");
            return null;
        }
        return path;
    }

    private static HttpProbeCheck? HttpProbe(MapReader r)
    {
        var path = UrlPath(r, "path", required: true);
        var defaults = new HttpProbeCheck { Path = "/" };
        var check = defaults with
        {
            Method = Method(r) ?? defaults.Method,
            Body = r.String("body", allowEmpty: true),
            Headers = r.ScalarMap("headers") ?? defaults.Headers,
        };
        if (r.Section("expect", "'expect'", RubricKeys.Expect) is { } e)
        {
            check = check with
            {
                ExpectStatus = e.Integer("status", min: 100, max: 599) ?? 200,
                ExpectJson = e.ScalarMap("json") ?? check.ExpectJson,
                ExpectBodyRegex = e.String("body_regex"),
                MaxLatency = e.Duration("max_latency"),
            };
            if (check.ExpectBodyRegex is { } regex && !IsRegex(regex))
                r.File.Error(e.Node("body_regex")!, $"'body_regex' is not a valid regular expression: '{regex}'");
        }
        return path is null ? null : check with { Path = path };
    }

    private static bool IsRegex(string pattern)
    {
        try
        {
            _ = new System.Text.RegularExpressions.Regex(pattern, System.Text.RegularExpressions.RegexOptions.None, TimeSpan.FromSeconds(1));
            return true;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    private static MetricsCheck Metrics(MapReader r)
    {
        var require = new List<RequiredMetric>();
        if (r.Node("require") is { } requireNode)
        {
            foreach (var item in Items(r.File, requireNode, "require"))
            {
                if (item is YScalar { Kind: ScalarKind.String } s && s.Value.Length > 0)
                {
                    require.Add(new RequiredMetric(s.Value, null, []));
                    continue;
                }
                if (item is YScalar)
                {
                    r.File.Error(item, $"expected a metric name or a map with 'name', 'type' and 'labels' in 'require', found {item.Describe()}");
                    continue;
                }
                if (MapReader.Of(r.File, item, "a required metric", RubricKeys.RequiredMetric) is not { } m) continue;
                var name = m.String("name", required: true);
                var type = m.Node("type") is { } typeNode && Values.Choice(r.File, typeNode, "type", Choices(MetricTypes)) is { } t ? MetricTypes[t] : null;
                var labels = m.StringList("labels") ?? [];
                if (name is not null) require.Add(new RequiredMetric(name, type, labels));
            }
        }
        var increases = new List<IncreasingMetric>();
        if (r.Node("increases") is { } increasesNode)
        {
            foreach (var item in Items(r.File, increasesNode, "increases"))
            {
                if (MapReader.Of(r.File, item, "an increasing metric", RubricKeys.IncreasingMetric) is not { } m) continue;
                var name = m.String("name", required: true);
                var after = m.Section("after", "'after'", RubricKeys.After, required: true);
                if (after is null || name is null) continue;
                var path = UrlPath(after, "path", required: true);
                var method = Method(after) ?? "GET";
                var body = after.String("body", allowEmpty: true);
                var requests = after.Integer("requests", min: 1) ?? 1;
                if (path is not null) increases.Add(new IncreasingMetric(name, method, path, body, requests));
            }
        }
        if (!r.Has("require") && !r.Has("increases"))
            r.File.Error(r.Map, "the 'metrics' check needs 'require' or 'increases' (otherwise it checks nothing)");
        return new MetricsCheck { Path = UrlPath(r, "path", required: false) ?? "/metrics", Require = require, Increases = increases };
    }

    private static IReadOnlyList<YNode> Items(FileScope file, YNode node, string key)
    {
        if (node is YSequence seq) return seq.Items;
        file.Error(node, $"expected a list for '{key}', found {node.Describe()}");
        return [];
    }

    private static LoadCheck? Load(MapReader r)
    {
        var path = UrlPath(r, "path", required: true);
        var defaults = new LoadCheck { Path = "/" };
        var check = defaults with
        {
            Method = Method(r) ?? defaults.Method,
            Body = r.String("body", allowEmpty: true),
            Headers = r.ScalarMap("headers") ?? defaults.Headers,
            Mode = r.Choice("mode", LoadModes) ?? defaults.Mode,
            Concurrency = r.Integer("concurrency", min: 1) ?? defaults.Concurrency,
            Rate = r.Number("rate", min: 0, exclusiveMin: true),
            Duration = r.Duration("duration") ?? defaults.Duration,
            Warmup = r.Duration("warmup", allowZero: true) ?? defaults.Warmup,
            Repetitions = r.Integer("repetitions", min: 1) ?? defaults.Repetitions,
            Baseline = Baseline(r),
        };
        if (r.Section("thresholds", "'thresholds'", RubricKeys.Thresholds) is { } t)
        {
            check = check with
            {
                MaxP50 = t.Duration("p50"),
                MaxP95 = t.Duration("p95"),
                MaxP99 = t.Duration("p99"),
                MaxErrorRate = t.Ratio("error_rate"),
                MinThroughput = t.Number("throughput", min: 0),
            };
        }
        if (check.Mode == LoadMode.Open && !r.Has("rate"))
            r.File.Error(r.KeyNode("mode")!, "open-mode load needs 'rate' (requests per second)");
        if (check.Mode == LoadMode.Closed && r.Has("rate"))
            r.File.Error(r.KeyNode("rate")!, "'rate' applies to open-mode load ('mode: open'); closed mode uses 'concurrency'");
        return path is null ? null : check with { Path = path };
    }

    private static BaselineSpec? Baseline(MapReader r)
    {
        if (r.Section("baseline", "'baseline'", RubricKeys.Baseline) is not { } b) return null;
        return new BaselineSpec(b.String("path"), b.Ratio("tolerance") ?? 0.10);
    }

    private static BenchmarkCheck? Benchmark(MapReader r)
    {
        var command = r.Command("command", required: true);
        var defaults = new BenchmarkCheck { Command = [] };
        var metric = r.Node("metric") is { } metricNode && Values.Choice(r.File, metricNode, "metric", Choices(BenchmarkMetrics)) is { } m ? BenchmarkMetrics[m] : defaults.Metric;
        var check = defaults with
        {
            Format = r.Choice("format", BenchmarkFormats) ?? defaults.Format,
            Output = r.String("output"),
            Benchmark = r.String("benchmark"),
            Metric = metric,
            HigherIsBetter = r.Bool("higher_is_better") ?? false,
            Threshold = r.Number("threshold"),
            Repetitions = r.Integer("repetitions", min: 1) ?? defaults.Repetitions,
            Timeout = r.Duration("timeout") ?? defaults.Timeout,
            Gpu = r.Bool("gpu") ?? false,
            Baseline = Baseline(r),
            Reference = Reference(r),
        };
        if (check.Reference is not null && r.Has("baseline"))
        {
            r.File.Error(r.KeyNode("baseline")!, "a benchmark compares with either a 'baseline' (results measured earlier) or a 'reference' (measured in the same job), not both");
            return null;
        }
        if (check.Reference is not null && r.Has("repetitions"))
        {
            r.File.Error(r.KeyNode("repetitions")!, "with a 'reference', 'rounds' in the reference sets how often each side runs; remove 'repetitions'");
            return null;
        }
        return command is null ? null : check with { Command = command };
    }

    private const int MaxReferenceRounds = 50;

    private static BenchmarkReferenceSpec? Reference(MapReader r)
    {
        if (r.Section("reference", "the benchmark 'reference'", RubricKeys.BenchmarkReference) is not { } s) return null;
        var errorsBefore = r.File.ErrorCount;
        var solution = s.String("solution");
        var baseCommit = s.Bool("base_commit");
        var tolerance = s.Ratio("tolerance");
        var rounds = s.Integer("rounds", min: 2, max: MaxReferenceRounds);
        var confidence = s.Ratio("confidence");
        if (r.File.ErrorCount != errorsBefore) return null;
        if (s.Has("solution") == s.Has("base_commit"))
        {
            r.File.Error(s.KeyNode("base_commit") ?? (YNode)s.Map,
                "a benchmark 'reference' needs exactly one of 'solution' (the instructor's reference solution, a folder relative to the rubric) or 'base_commit: true' (the pull request's base commit)");
            return null;
        }
        if (baseCommit == false)
        {
            r.File.Error(s.Node("base_commit")!, "'base_commit' is true or left out (then name the reference 'solution'); found false");
            return null;
        }
        if (confidence is { } c && c is < 0.5 or >= 1)
        {
            r.File.Error(s.Node("confidence")!, $"'confidence' is the interval's confidence level, at least 50% and below 100% (e.g. 95%); found {Values.Found(s.Node("confidence")!)}");
            return null;
        }
        if (tolerance is 0)
        {
            r.File.Error(s.Node("tolerance")!, "a reference 'tolerance' of 0 can never be judged (no interval is ever entirely within it); use e.g. 10%");
            return null;
        }
        return new BenchmarkReferenceSpec(solution, tolerance ?? 0.10)
        {
            Rounds = rounds ?? BenchmarkReferenceSpec.DefaultRounds,
            Confidence = confidence ?? BenchmarkReferenceSpec.DefaultConfidence,
        };
    }

    private static GpuCheck Gpu(MapReader r)
    {
        var defaults = new GpuCheck();
        var during = r.Node("during") is { } duringNode && Values.Choice(r.File, duringNode, "during", Choices(GpuSteps)) is { } d ? GpuSteps[d] : defaults.During;
        return defaults with
        {
            During = during,
            MaxMemory = r.Size("max_memory"),
            MinUtilization = r.Ratio("min_utilization"),
            SampleInterval = r.Duration("sample_interval") ?? defaults.SampleInterval,
        };
    }

    private static RecoveryCheck? Recovery(MapReader r)
    {
        var slo = r.Duration("slo", required: true);
        var fault = r.Choice("fault", Faults) ?? RecoveryFault.KillProcess;
        var health = UrlPath(r, "health_path", required: false) ?? "/health";
        return slo is null ? null : new RecoveryCheck { Slo = slo.Value, Fault = fault, HealthPath = health };
    }

    private static FilesCheck? Files(MapReader r)
    {
        var node = r.Required("require");
        if (node is null) return null;
        var files = new List<RequiredFile>();
        var items = Items(r.File, node, "require");
        if (node is YSequence { Items.Count: 0 }) r.File.Error(node, "'require' must list at least one file");
        foreach (var item in items)
        {
            if (item is YScalar { Kind: ScalarKind.String } s && s.Value.Length > 0)
            {
                files.Add(new RequiredFile(s.Value, []));
                continue;
            }
            if (item is YScalar)
            {
                r.File.Error(item, $"expected a file path or a map with 'path', 'sections' and 'min_words' in 'require', found {item.Describe()}");
                continue;
            }
            if (MapReader.Of(r.File, item, "a required file", RubricKeys.RequiredFile) is not { } f) continue;
            var path = f.String("path", required: true);
            var sections = f.StringList("sections") ?? [];
            var minWords = f.Integer("min_words", min: 0) ?? 0;
            if (path is not null) files.Add(new RequiredFile(path, sections, minWords));
        }
        return new FilesCheck { Require = files };
    }

    private static DockerfileCheck Dockerfile(MapReader r)
    {
        var d = new DockerfileCheck();
        return d with
        {
            Path = r.String("path") ?? d.Path,
            PinnedBase = r.Bool("pinned_base") ?? d.PinnedBase,
            NonRootUser = r.Bool("non_root") ?? d.NonRootUser,
            Healthcheck = r.Bool("healthcheck") ?? d.Healthcheck,
            NoSecrets = r.Bool("no_secrets") ?? d.NoSecrets,
        };
    }

    private static ImageConfigCheck? ImageConfig(MapReader r)
    {
        var check = new ImageConfigCheck
        {
            NonRoot = r.Bool("non_root") ?? false,
            Healthcheck = r.Bool("healthcheck") ?? false,
            Exposes = [.. (r.StringList("exposes") ?? []).Select(p => p.Contains('/', StringComparison.Ordinal) ? p.ToLowerInvariant() : p + "/tcp")],
        };
        foreach (var port in check.Exposes.Where(p => !IsPort(p)))
            r.File.Error(r.Node("exposes")!, $"'exposes' lists ports such as 8000 or 8000/tcp (1-65535, tcp or udp); found '{port}'");
        if (!check.NonRoot && !check.Healthcheck && check.Exposes.Count == 0)
        {
            r.File.Error(r.Map, "the 'image_config' check requires nothing; set non_root: true, healthcheck: true or exposes: [PORT]");
            return null;
        }
        return check;

        static bool IsPort(string text)
        {
            var parts = text.Split('/');
            return parts.Length == 2 && int.TryParse(parts[0], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var n)
                && n is >= 1 and <= 65535 && parts[1] is "tcp" or "udp";
        }
    }

    private static QuizCheck? Quiz(MapReader r)
    {
        var key = r.String("key", required: true);
        var d = new QuizCheck { Key = "" };
        var check = d with
        {
            Answers = r.String("answers") ?? d.Answers,
            PassMark = r.Ratio("pass_mark") ?? d.PassMark,
        };
        return key is null ? null : check with { Key = key };
    }
}
