using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Grader.Runner.Dockerfiles;

/// <summary>An instruction's <c>--name=value</c> flags and the rest of its arguments, split as the engine splits them.</summary>
public sealed record DockerfileFlags(IReadOnlyList<string> Flags, string Rest)
{
    /// <summary>The value of flag <c>--name=value</c> (the last one when repeated; the engine refuses repeats anyway), or null.</summary>
    public string? Value(string name)
    {
        string? value = null;
        foreach (var flag in Flags)
        {
            var body = flag.StartsWith("--", StringComparison.Ordinal) ? flag[2..] : flag;
            var eq = body.IndexOf('=', StringComparison.Ordinal);
            var key = eq < 0 ? body : body[..eq];
            if (key.Equals(name, StringComparison.OrdinalIgnoreCase)) value = eq < 0 ? "" : body[(eq + 1)..];
        }
        return value;
    }
}

/// <summary>
/// Splits instruction arguments the way the engine's Dockerfile parser does: leading <c>--flag</c> words (quotes and
/// backslash escapes processed, <c>--</c> alone ends them), then whitespace-separated words or a JSON array.
/// </summary>
public static partial class DockerfileWords
{
    [GeneratedRegex(@"[\t\v\f\r ]+")]
    private static partial Regex Whitespace();

    /// <summary>The engine's extractBuilderFlags.</summary>
    public static DockerfileFlags SplitFlags(string arguments)
    {
        ArgumentNullException.ThrowIfNull(arguments);
        var words = new List<string>();
        var word = new StringBuilder();
        var inWord = false;
        var quote = '\0';
        var blankOk = false;
        for (var pos = 0; pos <= arguments.Length; pos++)
        {
            var end = pos == arguments.Length;
            var ch = end ? '\0' : arguments[pos];
            if (!inWord && quote == '\0')
            {
                if (end) break;
                if (char.IsWhiteSpace(ch)) continue;
                if (ch != '-' || pos + 1 == arguments.Length || arguments[pos + 1] != '-') return new DockerfileFlags(words, arguments[pos..]);
                inWord = true;
            }
            if (end)
            {
                var text = word.ToString();
                if (text != "--" && (blankOk || text.Length > 0)) words.Add(text);
                break;
            }
            if (quote == '\0')
            {
                if (char.IsWhiteSpace(ch))
                {
                    inWord = false;
                    var text = word.ToString();
                    if (text == "--") return new DockerfileFlags(words, arguments[pos..]);
                    if (blankOk || text.Length > 0) words.Add(text);
                    word.Clear();
                    blankOk = false;
                    continue;
                }
                if (ch is '\'' or '"')
                {
                    quote = ch;
                    blankOk = true;
                    continue;
                }
            }
            else if (ch == quote)
            {
                quote = '\0';
                continue;
            }
            if (ch == '\\')
            {
                if (pos + 1 == arguments.Length)
                {
                    quote = '\0';
                    continue;
                }
                ch = arguments[++pos];
            }
            word.Append(ch);
        }
        return new DockerfileFlags(words, "");
    }

    /// <summary>Whitespace-separated words (FROM, EXPOSE).</summary>
    public static IReadOnlyList<string> SplitWhitespace(string text) =>
        Whitespace().Split(text.Trim()).Where(w => w.Length > 0).ToList();

    /// <summary>The words of an instruction that takes either a JSON array or whitespace-separated words (COPY, ADD, VOLUME).</summary>
    public static IReadOnlyList<string> SplitJsonOrWhitespace(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var trimmed = text.Trim();
        if (trimmed.StartsWith('['))
        {
            try
            {
                using var json = JsonDocument.Parse(trimmed, new JsonDocumentOptions { MaxDepth = 2 });
                if (json.RootElement.ValueKind == JsonValueKind.Array && json.RootElement.EnumerateArray().All(e => e.ValueKind == JsonValueKind.String))
                {
                    return json.RootElement.EnumerateArray().Select(e => e.GetString()!).ToList();
                }
            }
            catch (JsonException)
            {
                // Not JSON: the engine falls back to words too.
            }
        }
        return SplitWhitespace(trimmed);
    }
}
