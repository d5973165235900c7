using System.Text.Json;

namespace Grader.Runner.Benchmarks.Formats;

/// <summary>
/// BenchmarkDotNet's JSON exporter (<c>*-report-full.json</c> / <c>-report-brief.json</c>):
/// <c>Benchmarks[].{FullName, Type, Method, Statistics}</c>, Statistics in nanoseconds per operation
/// (<c>Mean, Median, Min, Max, StandardDeviation, Percentiles.P95</c>), raw measurements in
/// <c>Statistics.OriginalValues</c> (full exporter only). A benchmark that failed has no Statistics.
/// </summary>
internal static class BenchmarkDotNetFormat
{
    private const double SecondsPerNanosecond = 1e-9;

    public static List<BenchmarkMeasurement> Read(JsonElement root)
    {
        var list = new List<BenchmarkMeasurement>();
        var index = 0;
        foreach (var benchmark in Json.Array(root, "Benchmarks", "BenchmarkDotNet output").EnumerateArray())
        {
            var where = $"Benchmarks[{index++}]";
            var fullName = Json.String(benchmark, "FullName", where);
            where = $"benchmark '{fullName}'";
            if (!benchmark.TryGetProperty("Statistics", out var stats) || stats.ValueKind != JsonValueKind.Object)
            {
                throw new BenchmarkOutputException($"{where} has no Statistics: it did not run to completion");
            }

            var samples = stats.TryGetProperty("OriginalValues", out var original) && original.ValueKind == JsonValueKind.Array
                ? [.. Json.Numbers(original, $"{where} Statistics.OriginalValues").Select(v => v * SecondsPerNanosecond)]
                : System.Array.Empty<double>();
            double? P95() => stats.TryGetProperty("Percentiles", out var percentiles) && percentiles.ValueKind == JsonValueKind.Object
                ? Json.OptionalNumber(percentiles, "P95", where) * SecondsPerNanosecond
                : null;
            var mean = Json.Number(stats, "Mean", where) * SecondsPerNanosecond;
            var statistics = new BenchmarkStatistics(
                mean,
                Json.Number(stats, "Median", where) * SecondsPerNanosecond,
                Json.Number(stats, "Min", where) * SecondsPerNanosecond,
                Json.Number(stats, "Max", where) * SecondsPerNanosecond,
                Json.OptionalNumber(stats, "StandardDeviation", where) * SecondsPerNanosecond,
                P95(),
                mean > 0 ? 1 / mean : null).Complete(samples, isTime: true);

            var aliases = new List<string>();
            var method = Json.OptionalString(benchmark, "Method");
            var type = Json.OptionalString(benchmark, "Type");
            if (method is not null) aliases.Add(method);
            if (method is not null && type is not null) aliases.Add($"{type}.{method}");
            list.Add(new BenchmarkMeasurement(fullName, aliases, BenchmarkMeasurement.Seconds, samples, statistics));
        }

        return list;
    }
}
