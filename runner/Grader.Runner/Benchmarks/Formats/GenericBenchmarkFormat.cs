using System.Text.Json;

namespace Grader.Runner.Benchmarks.Formats;

/// <summary>
/// The small format of rubrics/FORMAT.md: <c>{"benchmarks": [{"name", "unit", "samples": [...]}]}</c>, or
/// <c>"value"</c> instead of <c>"samples"</c>. Time units (s, ms, us, ns) become seconds; other units
/// (e.g. "req/s") are kept as written.
/// </summary>
internal static class GenericBenchmarkFormat
{
    public static List<BenchmarkMeasurement> Read(JsonElement root)
    {
        var list = new List<BenchmarkMeasurement>();
        var index = 0;
        foreach (var benchmark in Json.Array(root, "benchmarks", "generic benchmark output").EnumerateArray())
        {
            var where = $"benchmarks[{index++}]";
            var name = Json.String(benchmark, "name", where);
            where = $"benchmark '{name}'";
            var unit = Json.OptionalString(benchmark, "unit") ?? "s";
            var perUnit = TimeUnits.SecondsPer(unit);
            double[] samples;
            if (benchmark.TryGetProperty("samples", out var sampleArray))
            {
                if (sampleArray.ValueKind != JsonValueKind.Array) throw new BenchmarkOutputException($"{where}: 'samples' must be a list of numbers");
                samples = Json.Numbers(sampleArray, $"{where} samples");
                if (samples.Length == 0) throw new BenchmarkOutputException($"{where}: 'samples' is empty");
            }
            else
            {
                samples = [Json.OptionalNumber(benchmark, "value", where) ?? throw new BenchmarkOutputException($"{where}: needs 'samples' (a list) or 'value' (a number)")];
            }

            if (perUnit is { } factor) samples = [.. samples.Select(s => s * factor)];
            var normalisedUnit = perUnit is null ? unit : BenchmarkMeasurement.Seconds;
            list.Add(new BenchmarkMeasurement(name, [], normalisedUnit, samples, BenchmarkStatistics.FromSamples(samples, perUnit is not null)));
        }

        return list;
    }
}
