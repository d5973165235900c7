using System.Text.RegularExpressions;

namespace Grader.Rubrics.Scoring;

/// <summary>Fills <c>{name}</c> placeholders in feedback templates; unknown placeholders stay as written.</summary>
public static partial class PlaceholderText
{
    [GeneratedRegex(@"\{(?<name>[A-Za-z0-9_.-]+)\}")]
    private static partial Regex Placeholder();

    /// <param name="template">Rubric-author text, kept as written.</param>
    /// <param name="values">Values by placeholder name (case-insensitive lookup).</param>
    /// <param name="encode">Applied to each inserted value (e.g. Markdown escaping); identity for plain text.</param>
    public static string Fill(string template, IReadOnlyDictionary<string, string> values, Func<string, string> encode) =>
        Placeholder().Replace(template, m =>
            TryGet(values, m.Groups["name"].Value, out var value) ? encode(value) : m.Value);

    private static bool TryGet(IReadOnlyDictionary<string, string> values, string name, out string value)
    {
        if (values.TryGetValue(name, out value!)) return true;
        foreach (var (key, v) in values)
        {
            if (string.Equals(key, name, StringComparison.OrdinalIgnoreCase))
            {
                value = v;
                return true;
            }
        }
        value = "";
        return false;
    }
}
