using System.Globalization;
using System.Text.RegularExpressions;

namespace Grader.Evidence.Reports.Leaderboards;

/// <summary>
/// A criterion's measured value in a canonical unit, so results compare numerically: times in seconds (<c>s</c>),
/// other units (<c>ops/s</c>, <c>tokens/s</c>, ...) as measured, <c>""</c> when the record says no unit.
/// </summary>
public readonly partial record struct MeasuredQuantity(double Value, string Unit)
{
    private static readonly Dictionary<string, double> Seconds = new(StringComparer.Ordinal)
    {
        ["ns"] = 1e-9, ["µs"] = 1e-6, ["μs"] = 1e-6, ["us"] = 1e-6, ["ms"] = 1e-3,
        ["s"] = 1, ["sec"] = 1, ["min"] = 60, ["h"] = 3600,
    };

    /// <summary>
    /// From a record's criterion: <paramref name="measure"/> is the exact value but its unit depends on the check
    /// (a load check's p95 in ms, a benchmark's time in s); <paramref name="text"/> (<c>p95 12.5 ms</c>, <c>1.21 ms</c>,
    /// <c>450 ops/s</c>) names the unit but is rounded. The text's unit decides, the measure gives the digits when
    /// it agrees with the text. Null when neither holds a finite number.
    /// </summary>
    public static MeasuredQuantity? From(double? measure, string? text)
    {
        var parsed = text is null ? null : Parse(text);
        var exact = measure is { } m && double.IsFinite(m) ? m : (double?)null;
        if (parsed is not { } p) return exact is { } e ? new MeasuredQuantity(e, "") : null;
        if (exact is not { } x) return p;
        if (p.Unit != "s") return new MeasuredQuantity(x, p.Unit);
        // Which unit the measure is in: the scale (seconds or milliseconds) closest to what the text says.
        var best = new[] { 1.0, 1e-3 }.Select(f => x * f).MinBy(v => Distance(v, p.Value));
        return Distance(best, p.Value) < 0.05 ? new MeasuredQuantity(best, "s") : p;
    }

    /// <summary>The first number in the text that is not part of a word (<c>p95</c>), and the unit after it.</summary>
    public static MeasuredQuantity? Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var match = Number().Match(text);
        if (!match.Success || !double.TryParse(match.Groups["num"].Value, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) || !double.IsFinite(value)) return null;
        var unit = match.Groups["unit"].Success ? match.Groups["unit"].Value : "";
        return Seconds.TryGetValue(unit, out var factor) ? new MeasuredQuantity(value * factor, "s") : new MeasuredQuantity(value, unit);
    }

    /// <summary>Relative distance, 0 when equal.</summary>
    private static double Distance(double a, double b) =>
        a == b ? 0 : Math.Abs(a - b) / Math.Max(Math.Abs(a), Math.Abs(b));

    [GeneratedRegex(@"(?<![\p{L}\p{N}._])(?<num>[-+]?(?:\d+(?:\.\d+)?|\.\d+)(?:[eE][-+]?\d+)?)(?:\s*(?<unit>[\p{L}µμ%][\p{L}µμ%/]*))?")]
    private static partial Regex Number();
}
