using System.Globalization;
using System.Text.RegularExpressions;

namespace Grader.Rubrics.Loading.Yaml;

/// <summary>What a scalar means under the YAML 1.2 core schema (the typing editors and the JSON Schema see).</summary>
internal enum ScalarKind
{
    String,
    Null,
    Bool,
    Integer,
    Float,
}

/// <summary>
/// A located YAML node. Built from YamlDotNet's parser events (not its representation model) so that
/// duplicate keys are reported instead of aborting the whole document.
/// </summary>
internal abstract record YNode(int Line, int Column)
{
    /// <summary>How the node is named in "expected X, found Y" messages.</summary>
    public abstract string Describe();
}

internal sealed partial record YScalar(string Value, ScalarKind Kind, int Line, int Column) : YNode(Line, Column)
{
    [GeneratedRegex(@"^[-+]?[0-9]+$|^0o[0-7]+$|^0x[0-9a-fA-F]+$")]
    private static partial Regex IntegerPattern();

    [GeneratedRegex(@"^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$|^[-+]?\.(inf|Inf|INF)$|^\.(nan|NaN|NAN)$")]
    private static partial Regex FloatPattern();

    public static ScalarKind Classify(string value, bool plain, string? tag)
    {
        if (tag is "tag:yaml.org,2002:str" or "!!str") return ScalarKind.String;
        if (!plain) return ScalarKind.String;
        if (value is "" or "~" or "null" or "Null" or "NULL") return ScalarKind.Null;
        if (value is "true" or "True" or "TRUE" or "false" or "False" or "FALSE") return ScalarKind.Bool;
        if (IntegerPattern().IsMatch(value)) return ScalarKind.Integer;
        if (FloatPattern().IsMatch(value)) return ScalarKind.Float;
        return ScalarKind.String;
    }

    public bool IsNumber => Kind is ScalarKind.Integer or ScalarKind.Float;

    public double? AsDouble()
    {
        if (!IsNumber) return null;
        if (Value.StartsWith("0x", StringComparison.Ordinal))
            return long.TryParse(Value[2..], NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var hex) ? hex : null;
        if (Value.StartsWith("0o", StringComparison.Ordinal))
        {
            try { return Convert.ToInt64(Value[2..], 8); }
            catch (OverflowException) { return null; }
        }
        var lowered = Value.ToLowerInvariant();
        if (lowered.EndsWith(".inf", StringComparison.Ordinal)) return lowered.StartsWith('-') ? double.NegativeInfinity : double.PositiveInfinity;
        if (lowered == ".nan") return double.NaN;
        return double.TryParse(Value, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) ? d : null;
    }

    public bool? AsBool() => Kind == ScalarKind.Bool ? Value.Equals("true", StringComparison.OrdinalIgnoreCase) : null;

    public override string Describe() => Kind switch
    {
        ScalarKind.Null => "nothing (null)",
        ScalarKind.Bool => $"the boolean {Value}",
        ScalarKind.Integer or ScalarKind.Float => $"the number {Value}",
        _ => $"the string '{Shorten(Value)}'",
    };

    private static string Shorten(string s) => s.Length <= 40 ? s : s[..37] + "...";
}

internal sealed record YSequence(IReadOnlyList<YNode> Items, int Line, int Column) : YNode(Line, Column)
{
    public override string Describe() => "a list";
}

internal sealed record YEntry(YScalar Key, YNode Value);

internal sealed record YMapping(IReadOnlyList<YEntry> Entries, int Line, int Column) : YNode(Line, Column)
{
    public override string Describe() => "a map";

    /// <summary>The first entry with this key (duplicates are reported when the tree is built).</summary>
    public YEntry? Find(string key) => Entries.FirstOrDefault(e => e.Key.Value == key);
}

/// <summary>A problem found while turning text into a tree, before any rubric rule applies.</summary>
internal sealed record YamlProblem(int Line, int Column, string Message);

/// <summary>The result of reading a YAML document: the root node (null for an empty document or a syntax error) and problems.</summary>
internal sealed record YamlReadResult(YNode? Root, IReadOnlyList<YamlProblem> Problems);
