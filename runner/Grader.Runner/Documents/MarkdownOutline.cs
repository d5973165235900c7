using System.Text.RegularExpressions;

namespace Grader.Runner.Documents;

/// <summary>A heading of a Markdown document and the line it is on.</summary>
public sealed record MarkdownHeading(int Level, string Text, int Line);

/// <summary>Headings (ATX <c>## x</c> and setext) and prose word count of a Markdown document; fenced code is ignored.</summary>
public static partial class MarkdownOutline
{
    [GeneratedRegex(@"^ {0,3}(=+|-+)[ \t]*$")]
    private static partial Regex SetextUnderline();

    [GeneratedRegex(@"[\p{L}\p{N}][\p{L}\p{N}'’-]*")]
    private static partial Regex Word();

    public static (IReadOnlyList<MarkdownHeading> Headings, int Words) Read(string markdown)
    {
        ArgumentNullException.ThrowIfNull(markdown);
        var headings = new List<MarkdownHeading>();
        var words = 0;
        string? fence = null;
        var lines = markdown.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i];
            var trimmed = line.TrimStart();
            if (fence is not null)
            {
                if (trimmed.StartsWith(fence, StringComparison.Ordinal)) fence = null;
                continue;
            }
            if (trimmed.StartsWith("```", StringComparison.Ordinal) || trimmed.StartsWith("~~~", StringComparison.Ordinal))
            {
                fence = trimmed[..3];
                continue;
            }
            if (Atx(line) is { } atx)
            {
                headings.Add(new MarkdownHeading(atx.Level, atx.Text, i + 1));
                continue;
            }
            if (i + 1 < lines.Length && trimmed.Length > 0 && SetextUnderline().IsMatch(lines[i + 1]) && !trimmed.StartsWith('-'))
            {
                headings.Add(new MarkdownHeading(lines[i + 1].TrimStart()[0] == '=' ? 1 : 2, trimmed.Trim(), i + 1));
                i++;
                continue;
            }
            words += Word().Matches(line).Count;
        }
        return (headings, words);
    }

    /// <summary>
    /// An ATX heading (<c>## Text ##</c>: up to 3 spaces, 1 to 6 '#', a blank, the text without trailing blanks and
    /// '#'). Read by hand in one pass: the equivalent regex (<c>(.*?)[ \t#]*$</c>) backtracks quadratically on a
    /// learner's long line of '#' or blanks.
    /// </summary>
    private static (int Level, string Text)? Atx(string line)
    {
        var i = 0;
        while (i < 3 && i < line.Length && line[i] == ' ') i++;
        var hashes = i;
        while (i < line.Length && line[i] == '#') i++;
        var level = i - hashes;
        if (level is < 1 or > 6 || i == line.Length || line[i] is not (' ' or '\t')) return null;
        return (level, line[i..].Trim(' ', '\t').TrimEnd(' ', '\t', '#').Trim());
    }

    /// <summary>
    /// Whether a heading satisfies a required section name: equal ignoring case, punctuation and leading
    /// numbering ("2. Mitigation steps" satisfies "Mitigation"), or starting with it as a whole word.
    /// </summary>
    public static bool Matches(string heading, string section)
    {
        var h = Normalize(heading);
        var s = Normalize(section);
        return h == s || h.StartsWith(s + " ", StringComparison.Ordinal);
    }

    private static string Normalize(string text)
    {
        var chars = text.ToLowerInvariant().Select(c => char.IsLetterOrDigit(c) ? c : ' ').ToArray();
        var collapsed = string.Join(' ', new string(chars).Split(' ', StringSplitOptions.RemoveEmptyEntries));
        var words = collapsed.Split(' ').SkipWhile(w => w.All(char.IsDigit));
        return string.Join(' ', words);
    }
}
