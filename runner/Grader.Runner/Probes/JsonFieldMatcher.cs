using System.Globalization;
using System.Text.Json;
using Grader.Runner.Documents;

namespace Grader.Runner.Probes;

/// <summary>Checks JSON fields named by dot paths (<c>status</c>, <c>predictions.0.label</c>) against expected values; "*" = present.</summary>
public static class JsonFieldMatcher
{
    public const string AnyValue = "*";

    /// <summary>A body larger than this is not parsed (the probe's HTTP read is bounded too).</summary>
    public const int MaxBodyBytes = 4 << 20;

    /// <summary>A response body to check fields in; a <see cref="LearnerFileException"/> (located) when it is too large, too deep or not JSON.</summary>
    public static JsonDocument Parse(ReadOnlyMemory<byte> body) => LearnerJson.Parse(body, MaxBodyBytes);

    /// <summary>The element at <paramref name="path"/>, or null when a step is missing (an array step is a 0-based index).</summary>
    public static JsonElement? Find(JsonElement root, string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        var current = root;
        foreach (var step in path.Split('.'))
        {
            if (current.ValueKind == JsonValueKind.Object && current.TryGetProperty(step, out var child))
            {
                current = child;
            }
            else if (current.ValueKind == JsonValueKind.Array
                && int.TryParse(step, NumberStyles.None, CultureInfo.InvariantCulture, out var index)
                && index < current.GetArrayLength())
            {
                current = current[index];
            }
            else
            {
                return null;
            }
        }
        return current;
    }

    /// <summary>Null when the field matches, else why not (in the learner's terms).</summary>
    public static string? Mismatch(JsonElement root, string path, string expected)
    {
        ArgumentNullException.ThrowIfNull(expected);
        if (Find(root, path) is not { } found) return $"JSON field '{path}' is missing";
        if (expected == AnyValue) return null;
        var actual = found.ValueKind switch
        {
            JsonValueKind.String => found.GetString() ?? "",
            _ => found.GetRawText(),
        };
        if (found.ValueKind == JsonValueKind.Number
            && decimal.TryParse(expected, NumberStyles.Float, CultureInfo.InvariantCulture, out var want)
            && found.TryGetDecimal(out var got))
        {
            return got == want ? null : $"JSON field '{path}' is {actual}, expected {expected}";
        }
        return string.Equals(actual, expected, StringComparison.Ordinal)
            ? null
            : $"JSON field '{path}' is {Excerpt(actual)}, expected {expected}";
    }

    private static string Excerpt(string text) => text.Length <= 80 ? text : text[..80] + "...";
}
