using System.Globalization;
using System.Text.RegularExpressions;

namespace Grader.Rubrics.Model;

/// <summary>Durations written the way people write them: <c>250ms</c>, <c>30s</c>, <c>5m</c>, <c>1h30m</c>, <c>1.5s</c>.</summary>
public static partial class DurationText
{
    [GeneratedRegex(@"^(?:(?<n>\d+(?:\.\d+)?)(?<u>ms|us|s|m|h|d))+$")]
    private static partial Regex Pattern();

    public static bool TryParse(string? text, out TimeSpan duration)
    {
        duration = default;
        if (string.IsNullOrWhiteSpace(text)) return false;
        var compact = text.Replace(" ", "", StringComparison.Ordinal).ToLowerInvariant();
        var m = Pattern().Match(compact);
        if (!m.Success) return false;
        double ms = 0;
        for (var i = 0; i < m.Groups["n"].Captures.Count; i++)
        {
            var n = double.Parse(m.Groups["n"].Captures[i].Value, CultureInfo.InvariantCulture);
            ms += m.Groups["u"].Captures[i].Value switch
            {
                "us" => n / 1000,
                "ms" => n,
                "s" => n * 1000,
                "m" => n * 60_000,
                "h" => n * 3_600_000,
                "d" => n * 86_400_000,
                _ => double.NaN,
            };
        }
        if (double.IsNaN(ms) || ms > TimeSpan.MaxValue.TotalMilliseconds) return false;
        duration = TimeSpan.FromMilliseconds(ms);
        return true;
    }

    public static TimeSpan Parse(string text) =>
        TryParse(text, out var d) ? d : throw new FormatException($"'{text}' is not a duration (expected e.g. 250ms, 30s, 5m, 1h30m).");

    /// <summary>Short human form: 850ms, 12.3s, 4m05s, 1h02m.</summary>
    public static string Format(TimeSpan d)
    {
        if (d.TotalSeconds < 1) return string.Create(CultureInfo.InvariantCulture, $"{d.TotalMilliseconds:0.#}ms");
        if (d.TotalMinutes < 1) return string.Create(CultureInfo.InvariantCulture, $"{d.TotalSeconds:0.#}s");
        if (d.TotalHours < 1) return string.Create(CultureInfo.InvariantCulture, $"{(int)d.TotalMinutes}m{d.Seconds:00}s");
        return string.Create(CultureInfo.InvariantCulture, $"{(int)d.TotalHours}h{d.Minutes:00}m");
    }
}
