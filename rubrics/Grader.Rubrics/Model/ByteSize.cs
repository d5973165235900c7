using System.Globalization;
using System.Text.RegularExpressions;

namespace Grader.Rubrics.Model;

/// <summary>
/// A size written the way people write it: <c>2GB</c> (decimal, 10^9), <c>512MiB</c> (binary, 2^20), <c>1.5 GB</c>, <c>800kB</c>, <c>123</c> (bytes).
/// </summary>
public readonly partial record struct ByteSize(long Bytes) : IComparable<ByteSize>
{
    /// <summary>Written in binary units (KiB, MiB, GiB, TiB): shown back in binary units, as the author wrote it.</summary>
    public bool Binary { get; init; }

    private static readonly Dictionary<string, long> Units = new(StringComparer.OrdinalIgnoreCase)
    {
        ["B"] = 1,
        ["KB"] = 1_000, ["MB"] = 1_000_000, ["GB"] = 1_000_000_000, ["TB"] = 1_000_000_000_000,
        ["K"] = 1_000, ["M"] = 1_000_000, ["G"] = 1_000_000_000, ["T"] = 1_000_000_000_000,
        ["KiB"] = 1L << 10, ["MiB"] = 1L << 20, ["GiB"] = 1L << 30, ["TiB"] = 1L << 40,
    };

    [GeneratedRegex(@"^\s*(?<n>\d+(?:\.\d+)?)\s*(?<u>[A-Za-z]*)\s*$")]
    private static partial Regex Pattern();

    public static bool TryParse(string? text, out ByteSize size)
    {
        size = default;
        if (text is null) return false;
        var m = Pattern().Match(text);
        if (!m.Success) return false;
        var unit = m.Groups["u"].Value;
        if (unit.Length == 0) unit = "B";
        if (!Units.TryGetValue(unit, out var factor)) return false;
        if (!decimal.TryParse(m.Groups["n"].Value, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var n)) return false;
        var bytes = n * factor;
        if (bytes > long.MaxValue) return false;
        size = new ByteSize((long)Math.Round(bytes)) { Binary = unit.EndsWith("iB", StringComparison.OrdinalIgnoreCase) };
        return true;
    }

    public static ByteSize Parse(string text) =>
        TryParse(text, out var s) ? s : throw new FormatException($"'{text}' is not a size (expected e.g. 2GB, 512MiB, 800kB).");

    /// <summary>Two sizes are equal when they are the same number of bytes, however they were written (1GiB is 1073741824).</summary>
    public bool Equals(ByteSize other) => Bytes == other.Bytes;

    public override int GetHashCode() => Bytes.GetHashCode();

    public int CompareTo(ByteSize other) => Bytes.CompareTo(other.Bytes);

    public static bool operator <(ByteSize a, ByteSize b) => a.Bytes < b.Bytes;
    public static bool operator >(ByteSize a, ByteSize b) => a.Bytes > b.Bytes;
    public static bool operator <=(ByteSize a, ByteSize b) => a.Bytes <= b.Bytes;
    public static bool operator >=(ByteSize a, ByteSize b) => a.Bytes >= b.Bytes;

    /// <summary>Human form in the units it was written in: decimal (as Docker reports image sizes, 2.41 GB) or binary (1 GiB).</summary>
    public override string ToString() => Format(Bytes, Binary);

    /// <summary>A measured size in the same kind of units as <paramref name="limit"/>, so the two read side by side.</summary>
    public static string FormatLike(long bytes, ByteSize limit) => Format(bytes, limit.Binary);

    /// <summary>Binary units (1 GiB, 1.5 MiB) when <paramref name="binary"/>, else decimal units (2.41 GB); 900 B either way.</summary>
    public static string Format(long bytes, bool binary) =>
        binary ? Format(bytes, 1024, ["B", "KiB", "MiB", "GiB", "TiB"]) : Format(bytes);

    /// <summary>Decimal units, as Docker reports image sizes: 2.41 GB, 512 MB, 900 B.</summary>
    public static string Format(long bytes) => Format(bytes, 1000, ["B", "kB", "MB", "GB", "TB"]);

    private static string Format(long bytes, int step, string[] units)
    {
        double value = bytes;
        var i = 0;
        while (Math.Abs(value) >= step && i < units.Length - 1)
        {
            value /= step;
            i++;
        }
        return i == 0
            ? string.Create(CultureInfo.InvariantCulture, $"{bytes} B")
            : string.Create(CultureInfo.InvariantCulture, $"{value:0.##} {units[i]}");
    }
}
