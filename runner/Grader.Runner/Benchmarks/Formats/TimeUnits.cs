namespace Grader.Runner.Benchmarks.Formats;

/// <summary>Conversion of the time units benchmark tools write into seconds.</summary>
internal static class TimeUnits
{
    /// <summary>Seconds per unit, or null when <paramref name="unit"/> is not a time unit.</summary>
    public static double? SecondsPer(string? unit) => unit?.Trim().ToLowerInvariant() switch
    {
        "s" or "sec" or "second" or "seconds" => 1,
        "ms" or "millisecond" or "milliseconds" => 1e-3,
        "us" or "µs" or "μs" or "microsecond" or "microseconds" => 1e-6,
        "ns" or "nanosecond" or "nanoseconds" => 1e-9,
        _ => null,
    };
}
