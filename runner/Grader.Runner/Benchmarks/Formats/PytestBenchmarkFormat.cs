using System.Text.Json;

namespace Grader.Runner.Benchmarks.Formats;

/// <summary>
/// pytest-benchmark's <c>--benchmark-json</c> file: <c>benchmarks[].{name, fullname, stats}</c>, stats in
/// seconds (<c>min, max, mean, median, stddev, ops</c>), raw rounds in <c>stats.data</c> when run with
/// <c>--benchmark-save-data</c>.
/// </summary>
internal static class PytestBenchmarkFormat
{
    public static List<BenchmarkMeasurement> Read(JsonElement root)
    {
        var list = new List<BenchmarkMeasurement>();
        var index = 0;
        foreach (var benchmark in Json.Array(root, "benchmarks", "pytest-benchmark output").EnumerateArray())
        {
            var where = $"benchmarks[{index++}]";
            var name = Json.String(benchmark, "name", where);
            where = $"benchmark '{name}'";
            var stats = Json.Object(benchmark, "stats", where);
            var samples = stats.TryGetProperty("data", out var data) && data.ValueKind == JsonValueKind.Array
                ? Json.Numbers(data, $"{where} stats.data")
                : [];
            var statistics = new BenchmarkStatistics(
                Json.Number(stats, "mean", where),
                Json.Number(stats, "median", where),
                Json.Number(stats, "min", where),
                Json.Number(stats, "max", where),
                Json.OptionalNumber(stats, "stddev", where),
                null,
                Json.OptionalNumber(stats, "ops", where)).Complete(samples, isTime: true);
            var aliases = Json.OptionalString(benchmark, "fullname") is { } fullName ? new[] { fullName } : [];
            list.Add(new BenchmarkMeasurement(name, aliases, BenchmarkMeasurement.Seconds, samples, statistics));
        }

        return list;
    }
}
