using System.Globalization;
using Grader.Rubrics.Model;
using Grader.Rubrics.Results;

namespace Grader.Rubrics.Scoring;

/// <summary>The short "measured" text of a result for tables: the check type's primary value as the runner formatted it.</summary>
public static class MeasuredValueText
{
    public static string? For(CheckSpec check, CheckResult result)
    {
        if (result.Status is CheckStatus.GraderError or CheckStatus.NotRun) return null;
        var v = result.Values;
        var text = check switch
        {
            BuildCheck => Get(v, "duration"),
            ImageSizeCheck => Get(v, "size"),
            ImageConfigCheck => Get(v, "met") is { } met && Get(v, "total") is { } total ? $"{met}/{total} met" : null,
            TestsCheck => Get(v, "passed") is { } p && Get(v, "total") is { } t ? $"{p}/{t} passed" : null,
            HttpProbeCheck => Join(Get(v, "status"), Get(v, "latency")),
            LoadCheck => Get(v, "p95") is { } p95 ? $"p95 {p95}" : null,
            BenchmarkCheck => Get(v, "value"),
            GpuCheck => Get(v, "peak_memory") is { } mem ? $"peak {mem}" : null,
            RecoveryCheck => Get(v, "recovery_time"),
            QuizCheck => Get(v, "score"),
            _ => null,
        };
        return text ?? Fallback(check, result.Measure);
    }

    private static string? Fallback(CheckSpec check, double? measure)
    {
        if (measure is not { } m || !double.IsFinite(m)) return null;
        // Sizes read in the units the rubric wrote its limit in.
        var limit = check switch
        {
            ImageSizeCheck size => size.Max,
            GpuCheck { MaxMemory: { } max } => max,
            _ => (ByteSize?)null,
        };
        return check.Descriptor.Unit switch
        {
            // Ratio measures read best as percentages.
            MeasureUnit.Ratio => string.Create(CultureInfo.InvariantCulture, $"{m * 100:0.#}%"),
            MeasureUnit.Bytes => limit is { } l ? ByteSize.FormatLike((long)m, l) : ByteSize.Format((long)m),
            MeasureUnit.Milliseconds => DurationText.Format(TimeSpan.FromMilliseconds(m)),
            MeasureUnit.Seconds => DurationText.Format(TimeSpan.FromSeconds(m)),
            _ => m.ToString("0.####", CultureInfo.InvariantCulture),
        };
    }

    private static string? Get(IReadOnlyDictionary<string, string> values, string key) =>
        values.TryGetValue(key, out var s) && !string.IsNullOrWhiteSpace(s) ? s : null;

    private static string? Join(string? a, string? b) =>
        a is null ? b : b is null ? a : $"{a}, {b}";
}
