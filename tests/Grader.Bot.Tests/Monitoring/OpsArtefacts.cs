using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Grader.Bot.Monitoring;
using YamlDotNet.RepresentationModel;

namespace Grader.Bot.Tests.Monitoring;

/// <summary>The files of ops/ at the repository root, read the way Prometheus and Grafana read them.</summary>
internal static partial class OpsArtefacts
{
    public static string Root { get; } = FindRoot();

    public static string Ops => Path.Combine(Root, "ops");
    public static string Alerts => Path.Combine(Ops, "prometheus", "alerts.yml");
    public static string AlertTests => Path.Combine(Ops, "prometheus", "alerts.test.yml");
    public static string PrometheusConfig => Path.Combine(Ops, "prometheus", "prometheus.yml");
    public static string Dashboard => Path.Combine(Ops, "grafana", "grader-dashboard.json");
    public static string Runbook => Path.Combine(Ops, "runbook.md");

    [GeneratedRegex(@"\bgrader_[a-z0-9_]+")]
    private static partial Regex GraderMetricName();

    /// <summary>Every PromQL expression of the dashboard's panels (Grafana's <c>targets[].expr</c>).</summary>
    public static IReadOnlyList<string> DashboardExpressions()
    {
        var dashboard = JsonNode.Parse(File.ReadAllText(Dashboard))!;
        return [.. dashboard["panels"]!.AsArray()
            .SelectMany(p => p!["targets"]?.AsArray() ?? [])
            .Select(t => t!["expr"]!.GetValue<string>())];
    }

    /// <summary>The alerting rules: name, expression and annotations.</summary>
    public static IReadOnlyList<(string Alert, string Expr, IReadOnlyDictionary<string, string> Annotations)> AlertRules()
    {
        var yaml = new YamlStream();
        using (var reader = new StreamReader(Alerts)) yaml.Load(reader);
        var root = (YamlMappingNode)yaml.Documents[0].RootNode;
        return [.. ((YamlSequenceNode)root["groups"])
            .SelectMany(g => (YamlSequenceNode)((YamlMappingNode)g)["rules"])
            .Cast<YamlMappingNode>()
            .Select(r => (
                ((YamlScalarNode)r["alert"]).Value!,
                ((YamlScalarNode)r["expr"]).Value!,
                (IReadOnlyDictionary<string, string>)((YamlMappingNode)r["annotations"]).Children
                    .ToDictionary(kv => ((YamlScalarNode)kv.Key).Value!, kv => ((YamlScalarNode)kv.Value).Value!, StringComparer.Ordinal)))];
    }

    /// <summary>The metric families an expression reads: a histogram's _bucket/_sum/_count series name their family.</summary>
    public static IEnumerable<string> MetricFamilies(string expression) =>
        GraderMetricName().Matches(expression).Select(m => Family(m.Value)).Distinct(StringComparer.Ordinal);

    private static string Family(string series)
    {
        foreach (var suffix in new[] { "_bucket", "_sum", "_count" })
        {
            if (series.EndsWith(suffix, StringComparison.Ordinal) && GraderMetrics.Histograms.Contains(series[..^suffix.Length]))
                return series[..^suffix.Length];
        }
        return series;
    }

    private static string FindRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Grader.sln")) && Directory.Exists(Path.Combine(directory.FullName, "ops")))
                return directory.FullName;
        }
        throw new InvalidOperationException($"No repository root with ops/ above {AppContext.BaseDirectory}.");
    }
}
