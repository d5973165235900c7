using System.Globalization;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace Grader.Runner.Documents;

/// <summary>How much of a YAML file a learner controls is accepted.</summary>
/// <param name="MaxChars">Characters of the whole file.</param>
/// <param name="MaxDepth">Nesting of maps and lists (<c>a: [b]</c> is 2 deep).</param>
/// <param name="MaxNodes">Keys and values together.</param>
public sealed record YamlBounds(int MaxChars, int MaxDepth, int MaxNodes);

/// <summary>
/// Checks a YAML file a learner controls before anything builds a model of it: YamlDotNet's node model and its
/// deserializer recurse once per nesting level, so a 240 KB file of nested brackets overflowed the grader's stack
/// (an uncatchable crash). The event parser used here keeps its own stack, so depth is counted safely; aliases
/// are refused (no alias bombs, and no learner file needs them); size and node count are bounded.
/// </summary>
public static class LearnerYaml
{
    /// <summary>Throws <see cref="LearnerFileException"/> at the first bound passed or syntax error; returns when the file may be loaded.</summary>
    public static void Check(string text, YamlBounds bounds)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(bounds);
        if (text.Length > bounds.MaxChars)
        {
            throw new LearnerFileException(null, null, string.Create(CultureInfo.InvariantCulture, $"the file is {text.Length:N0} characters; at most {bounds.MaxChars:N0} are read"));
        }
        var parser = new Parser(new StringReader(text));
        var depth = 0;
        var nodes = 0;
        var last = Mark.Empty;
        try
        {
            while (parser.MoveNext())
            {
                last = parser.Current!.End;
                switch (parser.Current)
                {
                    case AnchorAlias alias:
                        throw At(alias.Start, $"aliases (*{alias.Value}) are not accepted in this file");
                    case MappingStart or SequenceStart:
                        if (++depth > bounds.MaxDepth) throw At(parser.Current.Start, $"nested deeper than {bounds.MaxDepth} levels");
                        nodes++;
                        break;
                    case MappingEnd or SequenceEnd:
                        depth--;
                        break;
                    case Scalar:
                        nodes++;
                        break;
                }
                if (nodes > bounds.MaxNodes) throw At(parser.Current!.Start, $"more than {bounds.MaxNodes:N0} keys and values");
            }
        }
        catch (YamlException e)
        {
            throw FromYamlException(e);
        }
        catch (Exception e) when (e is InvalidOperationException or ArgumentException or IndexOutOfRangeException)
        {
            // YamlDotNet's scanner throws these for some malformed input (e.g. "a: [1, 2" then a new key): still the learner's file.
            throw At(last, "not valid YAML after this point");
        }
    }

    /// <summary>The location of a YamlDotNet syntax error, as <see cref="LearnerFileException"/> carries it.</summary>
    public static LearnerFileException FromYamlException(YamlException exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        var reason = (exception.InnerException as YamlException)?.Message ?? exception.InnerException?.Message ?? exception.Message;
        return At(exception.Start, Unlocated(reason));
    }

    private static LearnerFileException At(Mark mark, string reason) => new(mark.Line, mark.Column, reason);

    /// <summary>YamlDotNet prefixes messages with "(Line: 3, Col: 5, Idx: 40) - (Line: ...): "; the location is given once already.</summary>
    private static string Unlocated(string message)
    {
        var marker = message.IndexOf("): ", StringComparison.Ordinal);
        return message.StartsWith("(Line:", StringComparison.Ordinal) && marker > 0 ? message[(marker + 3)..] : message;
    }
}
