using System.Globalization;
using Grader.Rubrics.Model;

namespace Grader.Runner.Checks;

/// <summary>Small formatting helpers shared by the build, image and tests executors.</summary>
internal static class CheckText
{
    /// <summary>"5m", "30s", "1m30s": the way a rubric writes durations.</summary>
    public static string Duration(TimeSpan duration)
    {
        if (duration.Ticks % TimeSpan.TicksPerMinute == 0 && duration.TotalMinutes >= 1 && duration.TotalHours < 1)
        {
            return string.Create(CultureInfo.InvariantCulture, $"{(int)duration.TotalMinutes}m");
        }
        if (duration.Ticks % TimeSpan.TicksPerSecond == 0 && duration.TotalSeconds >= 1 && duration.TotalMinutes < 1)
        {
            return string.Create(CultureInfo.InvariantCulture, $"{(int)duration.TotalSeconds}s");
        }
        return DurationText.Format(duration);
    }

    /// <summary>The last <paramref name="maxChars"/> characters of a log (errors are at the end), and whether it was cut.</summary>
    public static (string Text, bool Cut) Tail(string text, int maxChars)
    {
        if (text.Length <= maxChars) return (text, false);
        var start = text.Length - maxChars;
        var newline = text.IndexOf('\n', start);
        if (newline >= 0 && newline < text.Length - 1) start = newline + 1;
        return (text[start..], true);
    }

    public static string FirstLine(string? text, int maxChars)
    {
        if (string.IsNullOrWhiteSpace(text)) return "";
        var line = text.Trim().Split('\n', 2)[0].TrimEnd('\r');
        return line.Length <= maxChars ? line : string.Concat(line.AsSpan(0, maxChars), "…");
    }

    public static string Number(double value) => value.ToString("0.###", CultureInfo.InvariantCulture);
}
