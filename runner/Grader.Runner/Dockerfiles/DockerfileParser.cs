namespace Grader.Runner.Dockerfiles;

/// <summary>One Dockerfile instruction with the line it starts on (1-based) and its arguments, continuations joined.</summary>
public sealed record DockerfileInstruction(string Keyword, string Arguments, int Line, int EndLine);

/// <summary>
/// Reads a Dockerfile into instructions: comments and blank lines skipped, parser directives honoured
/// (the <c>escape</c> character), line continuations joined, heredocs (<c>&lt;&lt;EOF</c>) skipped over.
/// </summary>
public static class DockerfileParser
{
    public static IReadOnlyList<DockerfileInstruction> Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var lines = text.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n');
        var escape = ReadEscapeDirective(lines);
        var result = new List<DockerfileInstruction>();
        var i = 0;
        while (i < lines.Length)
        {
            var line = lines[i].Trim();
            if (line.Length == 0 || line.StartsWith('#'))
            {
                i++;
                continue;
            }
            var start = i;
            var joined = new System.Text.StringBuilder();
            while (true)
            {
                var current = lines[i].TrimEnd();
                var continued = current.EndsWith(escape);
                if (continued) current = current[..^1];
                joined.Append(current).Append(' ');
                i++;
                if (!continued) break;
                // Comment and blank lines inside a continuation are dropped, and the continuation goes on (as Docker does).
                while (i < lines.Length && (lines[i].TrimStart().StartsWith('#') || lines[i].Trim().Length == 0)) i++;
                if (i >= lines.Length) break;
            }
            var content = joined.ToString().Trim();
            var space = content.IndexOfAny([' ', '\t']);
            var keyword = (space < 0 ? content : content[..space]).ToUpperInvariant();
            var args = space < 0 ? "" : content[(space + 1)..].Trim();
            i = SkipHeredocs(lines, i, args);
            result.Add(new DockerfileInstruction(keyword, args, start + 1, i));
        }
        return result;
    }

    private static char ReadEscapeDirective(string[] lines)
    {
        foreach (var raw in lines)
        {
            var line = raw.Trim();
            if (!line.StartsWith('#')) break;
            var body = line[1..].Trim();
            var eq = body.IndexOf('=', StringComparison.Ordinal);
            if (eq < 0) break;
            if (body[..eq].Trim().Equals("escape", StringComparison.OrdinalIgnoreCase))
            {
                var value = body[(eq + 1)..].Trim();
                if (value == "`") return '`';
            }
        }
        return '\\';
    }

    /// <summary>Heredoc bodies (<c>RUN &lt;&lt;EOF ... EOF</c>) are not instructions; skip to their terminators.</summary>
    private static int SkipHeredocs(string[] lines, int next, string args)
    {
        var index = 0;
        while ((index = args.IndexOf("<<", index, StringComparison.Ordinal)) >= 0)
        {
            index += 2;
            if (index < args.Length && args[index] == '-') index++;
            var end = index;
            while (end < args.Length && !char.IsWhiteSpace(args[end])) end++;
            var word = args[index..end].Trim('"', '\'');
            if (word.Length == 0 || !char.IsLetter(word[0])) continue;
            while (next < lines.Length && lines[next].Trim() != word) next++;
            if (next < lines.Length) next++;
        }
        return next;
    }
}
