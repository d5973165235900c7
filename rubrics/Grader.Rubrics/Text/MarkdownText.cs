using System.Text;

namespace Grader.Rubrics.Text;

/// <summary>
/// Makes untrusted text (test names, failure messages, logs, measured values: anything a learner's code can influence)
/// safe to put in GitHub-flavoured Markdown: it renders as the literal text, and cannot open links, images, HTML,
/// tables, headings, math, @mentions or #issue references.
/// </summary>
public static class MarkdownText
{
    /// <summary>Zero-width space: breaks GitHub's @mention and #reference detection without changing what people see.</summary>
    private const char Breaker = '\u200B';

    // Every ASCII punctuation character that has meaning somewhere inline in GFM (CommonMark allows escaping any of them).
    private const string InlineSpecials = "\\`*_[](){}|~!$";

    /// <summary>
    /// Escapes text for inline use (paragraphs, list items, table cells, headings). Line breaks become spaces, so the
    /// text cannot end a table row or start a block.
    /// </summary>
    public static string Escape(string? text)
    {
        if (string.IsNullOrEmpty(text)) return "";
        var sb = new StringBuilder(text.Length + 16);
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            var next = i + 1 < text.Length ? text[i + 1] : '\0';
            switch (c)
            {
                case '\r' when next == '\n':
                    break;
                case '\r' or '\n' or '\t':
                    sb.Append(' ');
                    break;
                case '&': sb.Append("&amp;"); break;
                case '<': sb.Append("&lt;"); break;
                case '>': sb.Append("&gt;"); break;
                case '@':
                    sb.Append('@');
                    if (IsMentionChar(next)) sb.Append(Breaker);
                    break;
                case '#':
                    sb.Append("\\#");
                    if (char.IsAsciiDigit(next)) sb.Append(Breaker);
                    break;
                // Block markers only matter where a line starts; inline text only starts one line, at position 0.
                case '-' or '+' or '=' when sb.Length == 0:
                    sb.Append('\\').Append(c);
                    break;
                case '.' when IsOrderedListMarker(sb) && next is ' ' or '\0':
                    sb.Append("\\.");
                    break;
                default:
                    if (char.IsControl(c) || c is '\u2028' or '\u2029') sb.Append(' ');
                    else if (InlineSpecials.Contains(c)) sb.Append('\\').Append(c);
                    else sb.Append(c);
                    break;
            }
        }
        return sb.ToString();
    }

    /// <summary>Escapes and shortens to at most <paramref name="maxChars"/> characters of the original text (an ellipsis marks the cut).</summary>
    public static string Escape(string? text, int maxChars) =>
        Escape(text is not null && text.Length > maxChars ? string.Concat(text.AsSpan(0, maxChars), "…") : text);

    /// <summary>Escapes text for HTML content, e.g. a <c>&lt;summary&gt;</c> (Markdown is not interpreted there).</summary>
    public static string EscapeHtml(string? text)
    {
        if (string.IsNullOrEmpty(text)) return "";
        var sb = new StringBuilder(text.Length + 16);
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            var next = i + 1 < text.Length ? text[i + 1] : '\0';
            switch (c)
            {
                case '&': sb.Append("&amp;"); break;
                case '<': sb.Append("&lt;"); break;
                case '>': sb.Append("&gt;"); break;
                case '"': sb.Append("&quot;"); break;
                case '\'': sb.Append("&#39;"); break;
                // Inert inside HTML, but encoded anyway so no renderer can ever read them as Markdown.
                case '[' or ']' or '(' or ')' or '`' or '\\' or '|' or '*' or '_':
                    sb.Append("&#").Append((int)c).Append(';');
                    break;
                case '@':
                    sb.Append('@');
                    if (IsMentionChar(next)) sb.Append(Breaker);
                    break;
                case '#':
                    sb.Append('#');
                    if (char.IsAsciiDigit(next)) sb.Append(Breaker);
                    break;
                default:
                    sb.Append(char.IsControl(c) ? ' ' : c);
                    break;
            }
        }
        return sb.ToString();
    }

    /// <summary>
    /// A fenced code block that the content cannot close: the fence is longer than any backtick run inside.
    /// Control characters other than tab and newline are dropped.
    /// </summary>
    public static string CodeBlock(string? text, string? language = null)
    {
        var body = Clean(text ?? "");
        var fence = new string('`', Math.Max(3, LongestRun(body, '`') + 1));
        var info = new string((language ?? "").Where(ch => char.IsAsciiLetterOrDigit(ch) || ch is '-' or '+').ToArray());
        return $"{fence}{info}\n{body}\n{fence}";
    }

    /// <summary>The longest run of <paramref name="c"/> in <paramref name="text"/>.</summary>
    public static int LongestRun(string text, char c)
    {
        int longest = 0, run = 0;
        foreach (var ch in text)
        {
            run = ch == c ? run + 1 : 0;
            longest = Math.Max(longest, run);
        }
        return longest;
    }

    private static string Clean(string text)
    {
        var normalised = text.Replace("\r\n", "\n", StringComparison.Ordinal).Replace('\r', '\n');
        var sb = new StringBuilder(normalised.Length);
        foreach (var c in normalised)
        {
            if (c is '\n' or '\t' || !char.IsControl(c)) sb.Append(c);
        }
        return sb.ToString().TrimEnd('\n');
    }

    private static bool IsMentionChar(char c) => char.IsAsciiLetterOrDigit(c) || c is '-' or '_';

    /// <summary>"12." at the very start would open an ordered list.</summary>
    private static bool IsOrderedListMarker(StringBuilder sb)
    {
        if (sb.Length == 0 || sb.Length > 9) return false;
        for (var i = 0; i < sb.Length; i++)
        {
            if (!char.IsAsciiDigit(sb[i])) return false;
        }
        return true;
    }
}
