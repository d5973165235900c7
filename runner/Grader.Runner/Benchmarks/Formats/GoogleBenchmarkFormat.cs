using System.Text.Json;

namespace Grader.Runner.Benchmarks.Formats;

/// <summary>
/// Google Benchmark's <c>--benchmark_format=json</c> (or <c>--benchmark_out</c>) report:
/// <c>benchmarks[].{name, run_name, run_type, aggregate_name, real_time, cpu_time, time_unit, iterations}</c>.
/// With <c>--benchmark_repetitions</c> each repetition is an <c>iteration</c> entry (a sample) and the
/// tool adds <c>aggregate</c> entries (mean, median, stddev, cv) named <c>{run_name}_{aggregate}</c>;
/// with <c>--benchmark_report_aggregates_only</c> only those. Wall time (<c>real_time</c>) is used.
/// </summary>
internal static class GoogleBenchmarkFormat
{
    private sealed class Group(string name)
    {
        public string Name { get; } = name;
        public List<double> Samples { get; } = [];
        public Dictionary<string, double> Aggregates { get; } = new(StringComparer.Ordinal);
        public double? ItemsPerSecond { get; set; }
    }

    public static List<BenchmarkMeasurement> Read(JsonElement root)
    {
        var groups = new List<Group>();
        var index = 0;
        foreach (var entry in Json.Array(root, "benchmarks", "google-benchmark output").EnumerateArray())
        {
            var where = $"benchmarks[{index++}]";
            var name = Json.String(entry, "name", where);
            where = $"benchmark '{name}'";
            if (entry.TryGetProperty("error_occurred", out var failed) && failed.ValueKind == JsonValueKind.True)
            {
                throw new BenchmarkOutputException($"{where} reported an error: {Json.OptionalString(entry, "error_message") ?? "(no message)"}");
            }

            var runType = Json.OptionalString(entry, "run_type") ?? "iteration";
            var aggregateName = Json.OptionalString(entry, "aggregate_name");
            var runName = Json.OptionalString(entry, "run_name")
                ?? (aggregateName is not null && name.EndsWith("_" + aggregateName, StringComparison.Ordinal) ? name[..^(aggregateName.Length + 1)] : name);
            var group = groups.Find(g => g.Name == runName);
            if (group is null)
            {
                group = new Group(runName);
                groups.Add(group);
            }

            var unit = Json.OptionalString(entry, "time_unit") ?? "ns";
            var perUnit = TimeUnits.SecondsPer(unit) ?? throw new BenchmarkOutputException($"{where}: unknown time_unit '{unit}'");
            if (runType == "aggregate")
            {
                if (aggregateName is null) throw new BenchmarkOutputException($"{where}: an aggregate entry needs 'aggregate_name'");
                // cv is a ratio, not a time ("aggregate_unit": "percentage").
                var isTime = (Json.OptionalString(entry, "aggregate_unit") ?? "time") == "time";
                var value = Json.Number(entry, "real_time", where);
                group.Aggregates[aggregateName] = isTime ? value * perUnit : value;
            }
            else
            {
                group.Samples.Add(Json.Number(entry, "real_time", where) * perUnit);
                group.ItemsPerSecond ??= Json.OptionalNumber(entry, "items_per_second", where);
            }
        }

        return [.. groups.Select(ToMeasurement)];
    }

    private static BenchmarkMeasurement ToMeasurement(Group group)
    {
        double? Aggregate(string name) => group.Aggregates.TryGetValue(name, out var value) ? value : null;
        var statistics = new BenchmarkStatistics(Aggregate("mean"), Aggregate("median"), null, null, Aggregate("stddev"), null, null)
            .Complete(group.Samples, isTime: true);
        return new BenchmarkMeasurement(group.Name, [], BenchmarkMeasurement.Seconds, group.Samples, statistics);
    }
}
