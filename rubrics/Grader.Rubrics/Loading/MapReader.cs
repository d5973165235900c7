using System.Globalization;
using Grader.Rubrics.Loading.Yaml;
using Grader.Rubrics.Model;

namespace Grader.Rubrics.Loading;

/// <summary>
/// Typed, located access to one YAML map of a rubric. Unknown keys are reported on construction; every
/// accessor reports a wrong or missing value and returns null, so the caller just carries on.
/// </summary>
internal sealed class MapReader
{
    public MapReader(FileScope file, YMapping map, string what, IReadOnlyList<string> knownKeys)
    {
        File = file;
        Map = map;
        What = what;
        foreach (var entry in map.Entries)
        {
            if (knownKeys.Contains(entry.Key.Value, StringComparer.Ordinal)) continue;
            var hint = Suggestions.Closest(entry.Key.Value, knownKeys) is { } s
                ? $"; did you mean '{s}'?"
                : $"; expected one of: {string.Join(", ", knownKeys)}";
            file.Error(entry.Key, $"unknown key '{entry.Key.Value}' in {what}{hint}");
        }
    }

    public FileScope File { get; }
    public YMapping Map { get; }

    /// <summary>What the map is, for messages: "a criterion", "the 'service' section".</summary>
    public string What { get; }

    /// <summary>Reads <paramref name="node"/> as a map of <paramref name="what"/>, or reports what it is instead.</summary>
    public static MapReader? Of(FileScope file, YNode node, string what, IReadOnlyList<string> knownKeys)
    {
        if (node is YMapping map) return new MapReader(file, map, what, knownKeys);
        file.Error(node, $"expected a map for {what}, found {node.Describe()}");
        return null;
    }

    public bool Has(string key) => Map.Find(key) is not null;

    public YNode? Node(string key) => Map.Find(key)?.Value;

    public YScalar? KeyNode(string key) => Map.Find(key)?.Key;

    public YNode? Required(string key)
    {
        var node = Node(key);
        if (node is null) File.Error(Map, $"{What} is missing the required key '{key}'");
        return node;
    }

    private YNode? Get(string key, bool required) => required ? Required(key) : Node(key);

    public string? String(string key, bool required = false, bool allowEmpty = false) =>
        Get(key, required) is { } node ? Values.String(File, node, key, allowEmpty) : null;

    public double? Number(string key, bool required = false, double min = double.NegativeInfinity, double max = double.PositiveInfinity, bool exclusiveMin = false) =>
        Get(key, required) is { } node ? Values.Number(File, node, key, min, max, exclusiveMin) : null;

    public int? Integer(string key, bool required = false, int min = int.MinValue, int max = int.MaxValue) =>
        Get(key, required) is { } node ? Values.Integer(File, node, key, min, max) : null;

    public bool? Bool(string key, bool required = false) =>
        Get(key, required) is { } node ? Values.Bool(File, node, key) : null;

    public TimeSpan? Duration(string key, bool required = false, bool allowZero = false) =>
        Get(key, required) is { } node ? Values.Duration(File, node, key, allowZero) : null;

    public ByteSize? Size(string key, bool required = false) =>
        Get(key, required) is { } node ? Values.Size(File, node, key) : null;

    public double? Ratio(string key, bool required = false) =>
        Get(key, required) is { } node ? Values.Ratio(File, node, key) : null;

    public T? Choice<T>(string key, IReadOnlyDictionary<string, T> choices, bool required = false) where T : struct =>
        Get(key, required) is { } node ? Values.Choice(File, node, key, choices) : null;

    public IReadOnlyList<string>? StringList(string key, bool required = false) =>
        Get(key, required) is { } node ? Values.StringList(File, node, key) : null;

    public IReadOnlyDictionary<string, string>? ScalarMap(string key) =>
        Node(key) is { } node ? Values.ScalarMap(File, node, key) : null;

    /// <summary>A command: a list of arguments, or a string run by <c>/bin/sh -c</c>.</summary>
    public IReadOnlyList<string>? Command(string key, bool required = false)
    {
        var node = Get(key, required);
        if (node is null) return null;
        if (node is YScalar { Kind: ScalarKind.String } s)
        {
            if (s.Value.Trim().Length == 0)
            {
                File.Error(node, $"'{key}' must not be empty");
                return null;
            }
            return ["/bin/sh", "-c", s.Value];
        }
        var list = Values.StringList(File, node, key, "a command: a list of arguments or a string run by /bin/sh -c");
        if (list is { Count: 0 })
        {
            File.Error(node, $"'{key}' must not be an empty list");
            return null;
        }
        return list;
    }

    public MapReader? Section(string key, string what, IReadOnlyList<string> knownKeys, bool required = false) =>
        Get(key, required) is { } node ? Of(File, node, what, knownKeys) : null;
}

/// <summary>Conversions of single YAML nodes into rubric values, each reporting what was expected.</summary>
internal static class Values
{
    public const string DurationForm = "a duration such as 250ms, 30s, 5m or 1h30m";
    public const string SizeForm = "a size such as 2GB, 512MiB or 800kB";
    public const string RatioForm = "a percentage such as 70% or a fraction between 0 and 1";

    public static string? String(FileScope file, YNode node, string key, bool allowEmpty = false)
    {
        if (node is YScalar { Kind: ScalarKind.String } s)
        {
            if (!allowEmpty && s.Value.Trim().Length == 0)
            {
                file.Error(node, $"'{key}' must not be empty");
                return null;
            }
            return s.Value;
        }
        file.Error(node, $"expected text for '{key}', found {node.Describe()}{QuoteHint(node)}");
        return null;
    }

    private static string QuoteHint(YNode node) =>
        node is YScalar { Kind: ScalarKind.Integer or ScalarKind.Float or ScalarKind.Bool } ? " (quote it to make it text)" : "";

    public static double? Number(FileScope file, YNode node, string key, double min = double.NegativeInfinity, double max = double.PositiveInfinity, bool exclusiveMin = false)
    {
        if (node is not YScalar { IsNumber: true } s || s.AsDouble() is not { } value || double.IsNaN(value) || double.IsInfinity(value))
        {
            file.Error(node, $"expected a number for '{key}', found {node.Describe()}");
            return null;
        }
        if (value < min || (exclusiveMin && value <= min) || value > max)
        {
            file.Error(node, $"'{key}' must be {RangeText(min, max, exclusiveMin)}; found {s.Value}");
            return null;
        }
        return value;
    }

    private static string RangeText(double min, double max, bool exclusiveMin)
    {
        var lo = min.ToString(CultureInfo.InvariantCulture);
        var hi = max.ToString(CultureInfo.InvariantCulture);
        if (double.IsPositiveInfinity(max)) return exclusiveMin ? $"greater than {lo}" : $"at least {lo}";
        if (double.IsNegativeInfinity(min)) return $"at most {hi}";
        return $"between {lo} and {hi}";
    }

    public static int? Integer(FileScope file, YNode node, string key, int min = int.MinValue, int max = int.MaxValue)
    {
        if (node is not YScalar { Kind: ScalarKind.Integer } s || s.AsDouble() is not { } value)
        {
            file.Error(node, $"expected a whole number for '{key}', found {node.Describe()}");
            return null;
        }
        if (value < min || value > max)
        {
            file.Error(node, $"'{key}' must be {RangeText(min, max == int.MaxValue ? double.PositiveInfinity : max, false)}; found {s.Value}");
            return null;
        }
        return (int)value;
    }

    public static bool? Bool(FileScope file, YNode node, string key)
    {
        if (node is YScalar { Kind: ScalarKind.Bool } s) return s.AsBool();
        file.Error(node, $"expected true or false for '{key}', found {node.Describe()}");
        return null;
    }

    public static TimeSpan? Duration(FileScope file, YNode node, string key, bool allowZero = false)
    {
        if (node is YScalar { Kind: ScalarKind.String } s)
        {
            var text = s.Value.Trim();
            if (text.StartsWith('-'))
            {
                file.Error(node, $"'{key}' must not be negative; found '{s.Value}'");
                return null;
            }
            if (DurationText.TryParse(text, out var d))
            {
                if (d == TimeSpan.Zero && !allowZero)
                {
                    file.Error(node, $"'{key}' must be longer than zero; found '{s.Value}'");
                    return null;
                }
                return d;
            }
        }
        var found = node is YScalar { IsNumber: true } n ? $"the number {n.Value} (add a unit, e.g. {n.Value}s)" : node.Describe();
        file.Error(node, $"'{key}' must be {DurationForm}; found {found}");
        return null;
    }

    public static ByteSize? Size(FileScope file, YNode node, string key)
    {
        if (node is YScalar { Kind: ScalarKind.Integer } i && i.AsDouble() is { } bytes && bytes >= 0) return new ByteSize((long)bytes);
        if (node is YScalar { Kind: ScalarKind.String } s)
        {
            if (s.Value.TrimStart().StartsWith('-'))
            {
                file.Error(node, $"'{key}' must not be negative; found '{s.Value}'");
                return null;
            }
            if (ByteSize.TryParse(s.Value, out var size)) return size;
        }
        file.Error(node, $"'{key}' must be {SizeForm}; found {Found(node)}");
        return null;
    }

    public static double? Ratio(FileScope file, YNode node, string key)
    {
        if (TryRatio(node, out var value, out var inRange))
        {
            if (inRange) return value;
            file.Error(node, $"'{key}' must be between 0% and 100% (or a fraction between 0 and 1); found {Found(node)}");
            return null;
        }
        file.Error(node, $"'{key}' must be {RatioForm}; found {Found(node)}");
        return null;
    }

    /// <summary>Parses <c>70%</c> or <c>0.7</c>; <paramref name="inRange"/> tells whether it lies in 0..1.</summary>
    public static bool TryRatio(YNode node, out double value, out bool inRange)
    {
        value = 0;
        inRange = false;
        switch (node)
        {
            case YScalar { IsNumber: true } n when n.AsDouble() is { } d && double.IsFinite(d):
                value = d;
                break;
            case YScalar { Kind: ScalarKind.String } s when TryPercent(s.Value, out var p):
                value = p;
                break;
            default:
                return false;
        }
        inRange = value is >= 0 and <= 1;
        return true;
    }

    public static bool TryPercent(string text, out double fraction)
    {
        fraction = 0;
        var t = text.Trim();
        if (!t.EndsWith('%')) return false;
        if (!double.TryParse(t[..^1].TrimEnd(), NumberStyles.AllowDecimalPoint | NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var percent)) return false;
        fraction = percent / 100;
        return true;
    }

    public static string Found(YNode node) => node is YScalar { Kind: ScalarKind.String } s ? $"'{s.Value}'" : node.Describe();

    public static T? Choice<T>(FileScope file, YNode node, string key, IReadOnlyDictionary<string, T> choices, string? subject = null) where T : struct
    {
        if (node is YScalar { Kind: ScalarKind.String } s && choices.TryGetValue(s.Value, out var value)) return value;
        var text = node is YScalar sc ? sc.Value : "";
        var hint = node is YScalar ? Suggestions.DidYouMean(text, choices.Keys) : "";
        file.Error(node, $"{subject ?? $"'{key}'"} must be one of {string.Join(", ", choices.Keys)}; found {Found(node)}{hint}");
        return null;
    }

    public static IReadOnlyList<string>? StringList(FileScope file, YNode node, string key, string expected = "a list of text items")
    {
        if (node is not YSequence seq)
        {
            file.Error(node, $"expected {expected} for '{key}', found {node.Describe()}");
            return null;
        }
        var items = new List<string>();
        var ok = true;
        foreach (var item in seq.Items)
        {
            // Command arguments and labels are text; plain numbers are accepted as their written form.
            if (item is YScalar { Kind: ScalarKind.String or ScalarKind.Integer or ScalarKind.Float } s) items.Add(s.Value);
            else
            {
                file.Error(item, $"expected text in the list '{key}', found {item.Describe()}");
                ok = false;
            }
        }
        return ok ? items : null;
    }

    /// <summary>A map of names to scalar values (environment variables, headers, expected JSON fields).</summary>
    public static IReadOnlyDictionary<string, string>? ScalarMap(FileScope file, YNode node, string key)
    {
        if (node is not YMapping map)
        {
            file.Error(node, $"expected a map of names to values for '{key}', found {node.Describe()}");
            return null;
        }
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        var ok = true;
        foreach (var entry in map.Entries)
        {
            if (entry.Value is YScalar { Kind: not ScalarKind.Null } s) result[entry.Key.Value] = s.Value;
            else
            {
                file.Error(entry.Value, $"expected a text, number or boolean value for '{entry.Key.Value}' in '{key}', found {entry.Value.Describe()}");
                ok = false;
            }
        }
        return ok ? result : null;
    }
}
