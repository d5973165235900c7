using System.Text.RegularExpressions;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace Grader.Rubrics.Loading.Yaml;

/// <summary>
/// Builds a <see cref="YNode"/> tree from YamlDotNet's parser events. Never throws for any input:
/// syntax errors become a located problem.
/// </summary>
internal static partial class YamlTreeReader
{
    /// <summary>Deeper nesting than this is no rubric; refusing it keeps the recursive walkers safe.</summary>
    private const int MaxDepth = 64;

    [GeneratedRegex(@"^\(Line: \d+, Col: \d+, Idx: \d+\) - \(Line: \d+, Col: \d+, Idx: \d+\):\s*")]
    private static partial Regex PositionPrefix();

    public static YamlReadResult Read(string text)
    {
        var problems = new List<YamlProblem>();
        var parser = new Parser(new StringReader(text));
        var state = new State(parser, problems);
        try
        {
            var root = state.ReadStream();
            return new YamlReadResult(root, problems);
        }
        catch (YamlException ex)
        {
            var message = PositionPrefix().Replace(ex.Message, "");
            // YamlDotNet places tab errors at the start of the enclosing mapping (often 1:1): point at the tab itself.
            if (message.Contains("tab", StringComparison.OrdinalIgnoreCase) && FirstIndentingTab(text) is var (tabLine, tabColumn))
            {
                problems.Add(new YamlProblem(tabLine, tabColumn, "YAML syntax error: a tab indents this line; YAML indents with spaces only"));
                return new YamlReadResult(null, problems);
            }
            problems.Add(new YamlProblem(Math.Max(1, (int)ex.Start.Line), Math.Max(1, (int)ex.Start.Column), $"YAML syntax error: {Describe(message)}"));
            return new YamlReadResult(null, problems);
        }
        catch (Exception ex) when (ex is InvalidOperationException or ArgumentException or EndOfStreamException or IndexOutOfRangeException)
        {
            // YamlDotNet's scanner throws these (not YamlException) for some malformed text, e.g. an unclosed
            // flow map; the last event read is the best position we have.
            var mark = parser.Current?.End;
            var line = mark is { } m ? (int)m.Line : 1;
            var column = mark is { } c ? (int)c.Column : 1;
            problems.Add(new YamlProblem(Math.Max(1, line), Math.Max(1, column), "YAML syntax error: the text from here on cannot be read (look for an unclosed '{', '[' or quote)"));
            return new YamlReadResult(null, problems);
        }
    }

    /// <summary>The line and column (1-based) of the first tab in a line's leading whitespace, if any.</summary>
    internal static (int Line, int Column)? FirstIndentingTab(string text)
    {
        var lineNumber = 0;
        foreach (var line in text.Split('\n'))
        {
            lineNumber++;
            for (var i = 0; i < line.Length && (line[i] == ' ' || line[i] == '\t'); i++)
            {
                if (line[i] == '\t') return (lineNumber, i + 1);
            }
        }
        return null;
    }

    private static string Describe(string message) => message.Length == 0 ? "the text is not valid YAML" : char.ToLowerInvariant(message[0]) + message[1..];

    private sealed class State(IParser parser, List<YamlProblem> problems)
    {
        private readonly Dictionary<string, YNode> _anchors = new(StringComparer.Ordinal);

        public YNode? ReadStream()
        {
            Expect<StreamStart>();
            YNode? root = null;
            var documents = 0;
            while (parser.Accept<DocumentStart>(out var docStart))
            {
                parser.MoveNext();
                documents++;
                var node = ReadNode(0);
                if (documents == 1) root = node;
                else if (documents == 2)
                    problems.Add(new YamlProblem((int)docStart.Start.Line, (int)docStart.Start.Column, "a rubric file holds one YAML document; this second document is ignored"));
                Expect<DocumentEnd>();
                _anchors.Clear();
            }
            Expect<StreamEnd>();
            // An empty document is a null scalar: treat like no content.
            return root is YScalar { Kind: ScalarKind.Null } ? null : root;
        }

        private T Expect<T>() where T : ParsingEvent
        {
            var ev = parser.Consume<T>();
            return ev;
        }

        private YNode ReadNode(int depth)
        {
            var current = parser.Current ?? throw new YamlException("unexpected end of the text");
            if (depth > MaxDepth)
            {
                problems.Add(new YamlProblem((int)current.Start.Line, (int)current.Start.Column, $"nesting deeper than {MaxDepth} levels"));
                parser.SkipThisAndNestedEvents();
                return new YScalar("", ScalarKind.Null, (int)current.Start.Line, (int)current.Start.Column);
            }
            var line = (int)current.Start.Line;
            var column = (int)current.Start.Column;
            switch (current)
            {
                case AnchorAlias alias:
                    parser.MoveNext();
                    if (_anchors.TryGetValue(alias.Value.Value, out var target)) return target;
                    problems.Add(new YamlProblem(line, column, $"alias *{alias.Value.Value} names no anchor defined before it"));
                    return new YScalar("", ScalarKind.Null, line, column);
                case Scalar scalar:
                {
                    parser.MoveNext();
                    var kind = YScalar.Classify(scalar.Value, scalar.Style == ScalarStyle.Plain, scalar.Tag.IsEmpty ? null : scalar.Tag.Value);
                    var node = new YScalar(scalar.Value, kind, line, column);
                    Remember(scalar.Anchor, node);
                    return node;
                }
                case SequenceStart seqStart:
                {
                    parser.MoveNext();
                    var items = new List<YNode>();
                    while (!parser.Accept<SequenceEnd>(out _)) items.Add(ReadNode(depth + 1));
                    parser.MoveNext();
                    var node = new YSequence(items, line, column);
                    Remember(seqStart.Anchor, node);
                    return node;
                }
                case MappingStart mapStart:
                {
                    parser.MoveNext();
                    var entries = new List<YEntry>();
                    var seen = new Dictionary<string, YScalar>(StringComparer.Ordinal);
                    var merges = new List<YMapping>();
                    while (!parser.Accept<MappingEnd>(out _))
                    {
                        var keyNode = ReadNode(depth + 1);
                        var value = ReadNode(depth + 1);
                        if (keyNode is not YScalar key)
                        {
                            problems.Add(new YamlProblem(keyNode.Line, keyNode.Column, $"a map key must be plain text, not {keyNode.Describe()}"));
                            continue;
                        }
                        if (key.Value == "<<")
                        {
                            AddMerge(value, merges);
                            continue;
                        }
                        if (seen.TryGetValue(key.Value, out var first))
                        {
                            problems.Add(new YamlProblem(key.Line, key.Column, $"duplicate key '{key.Value}' (first defined at line {first.Line}, column {first.Column})"));
                            continue;
                        }
                        seen[key.Value] = key;
                        entries.Add(new YEntry(key, value));
                    }
                    parser.MoveNext();
                    // YAML merge keys (<<: *defaults): keys written in the map itself win over merged ones.
                    foreach (var merged in merges.SelectMany(m => m.Entries))
                    {
                        if (seen.TryAdd(merged.Key.Value, merged.Key)) entries.Add(merged);
                    }
                    var node = new YMapping(entries, line, column);
                    Remember(mapStart.Anchor, node);
                    return node;
                }
                default:
                    throw new YamlException(current.Start, current.End, $"unexpected {current.GetType().Name}");
            }
        }

        private void AddMerge(YNode value, List<YMapping> merges)
        {
            switch (value)
            {
                case YMapping map:
                    merges.Add(map);
                    break;
                case YSequence seq when seq.Items.All(i => i is YMapping):
                    merges.AddRange(seq.Items.Cast<YMapping>());
                    break;
                default:
                    problems.Add(new YamlProblem(value.Line, value.Column, $"a merge key '<<' takes a map or a list of maps (usually an alias such as *defaults), found {value.Describe()}"));
                    break;
            }
        }

        private void Remember(AnchorName anchor, YNode node)
        {
            if (!anchor.IsEmpty) _anchors[anchor.Value] = node;
        }
    }
}
