using Grader.Runner.Documents;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Grader.Runner.Quiz;

/// <summary>What a key accepts for one question.</summary>
/// <param name="Accepted">Any one of these answers is correct (single choice or free text).</param>
/// <param name="AllOf">When set, the answer must be exactly this set (multiple select).</param>
public sealed record ExpectedAnswer(IReadOnlyList<string> Accepted, IReadOnlyList<string>? AllOf);

/// <summary>
/// Reads quiz answer files and answer keys: YAML maps of question id to answer. A key's answer is a
/// string, a list of accepted alternatives, or <c>{ all: [a, c] }</c> for a multiple-select question.
/// Both are checked against <see cref="Bounds"/> before they are loaded (answer files are the learner's); every
/// error is a <see cref="LearnerFileException"/> at the line and column it is about.
/// </summary>
public static class AnswerSheet
{
    public const int MaxBytes = 256 * 1024;

    /// <summary>An answers file is two levels deep (a key's <c>{ all: [...] }</c> three); anything deeper is refused before loading.</summary>
    public static readonly YamlBounds Bounds = new(MaxChars: MaxBytes, MaxDepth: 8, MaxNodes: 10_000);

    public static IReadOnlyDictionary<string, IReadOnlyList<string>> ReadAnswers(string yaml)
    {
        var map = ReadMap(yaml);
        var answers = new Dictionary<string, IReadOnlyList<string>>(StringComparer.OrdinalIgnoreCase);
        foreach (var (key, node) in map)
        {
            answers[key] = node switch
            {
                YamlScalarNode s => [s.Value ?? ""],
                YamlSequenceNode seq => seq.Children.OfType<YamlScalarNode>().Select(c => c.Value ?? "").ToList(),
                _ => throw At(node, $"the answer to '{key}' must be a value or a list of values"),
            };
        }
        return answers;
    }

    public static IReadOnlyDictionary<string, ExpectedAnswer> ReadKey(string yaml)
    {
        var map = ReadMap(yaml);
        var key = new Dictionary<string, ExpectedAnswer>(StringComparer.OrdinalIgnoreCase);
        foreach (var (question, node) in map)
        {
            key[question] = node switch
            {
                YamlScalarNode s => new ExpectedAnswer([s.Value ?? ""], null),
                YamlSequenceNode seq => new ExpectedAnswer(seq.Children.OfType<YamlScalarNode>().Select(c => c.Value ?? "").ToList(), null),
                YamlMappingNode m when m.Children.TryGetValue(new YamlScalarNode("all"), out var all) && all is YamlSequenceNode allSeq =>
                    new ExpectedAnswer([], allSeq.Children.OfType<YamlScalarNode>().Select(c => c.Value ?? "").ToList()),
                _ => throw At(node, $"the key for '{question}' must be a value, a list of accepted values, or {{ all: [...] }}"),
            };
        }
        return key;
    }

    /// <summary>Whether <paramref name="given"/> answers <paramref name="expected"/>: case, surrounding space and inner runs of space do not matter.</summary>
    public static bool IsCorrect(ExpectedAnswer expected, IReadOnlyList<string> given)
    {
        ArgumentNullException.ThrowIfNull(expected);
        ArgumentNullException.ThrowIfNull(given);
        if (expected.AllOf is not null)
        {
            var want = expected.AllOf.Select(Normalize).ToHashSet(StringComparer.Ordinal);
            var got = given.Select(Normalize).ToHashSet(StringComparer.Ordinal);
            return want.SetEquals(got);
        }
        return given.Count == 1 && expected.Accepted.Select(Normalize).Contains(Normalize(given[0]), StringComparer.Ordinal);
    }

    private static string Normalize(string text) =>
        string.Join(' ', text.Trim().ToLowerInvariant().Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));

    private static List<(string Key, YamlNode Value)> ReadMap(string yaml)
    {
        ArgumentNullException.ThrowIfNull(yaml);
        // Bounded first: the node model below recurses once per nesting level.
        LearnerYaml.Check(yaml, Bounds);
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(yaml));
        }
        catch (YamlException e)
        {
            throw LearnerYaml.FromYamlException(e);
        }
        if (stream.Documents.Count == 0) return [];
        if (stream.Documents[0].RootNode is not YamlMappingNode root)
        {
            throw At(stream.Documents[0].RootNode, "expected a map of question id to answer");
        }
        return root.Children
            .Select(pair => ((pair.Key as YamlScalarNode)?.Value ?? throw At(pair.Key, "question ids must be plain values"), pair.Value))
            .ToList();
    }

    private static LearnerFileException At(YamlNode node, string reason) => new(node.Start.Line, node.Start.Column, reason);
}
