using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace Grader.Runner.Dockerfiles;

/// <summary>One Dockerfile instruction with the line it starts on (1-based) and its arguments, continuations joined.</summary>
public sealed record DockerfileInstruction(string Keyword, string Arguments, int Line, int EndLine);

/// <summary>
/// Reads a Dockerfile into instructions exactly as the engine's classic builder (Engine 20.10) splits it, because
/// what this parser finds (FROM, COPY --from, ADD sources) decides what a build may reference: a line the engine
/// reads as an instruction must never be something this parser skips. So: parser directives only at the top
/// (<c>escape</c>, <c>syntax</c>; a repeated one is an error), comment lines dropped, continuation lines joined
/// without a separator (a trailing escape character not preceded by another one), comment and blank lines inside a
/// continuation dropped, and no heredocs: the classic builder reads a heredoc's body as instructions (verified on
/// Engine 20.10: <c>RUN &lt;&lt;EOF</c> then <c>echo x</c> fails with "unknown instruction: ECHO").
/// </summary>
/// <remarks>
/// Learner input is bounded: at most <see cref="MaxBytes"/> of text, <see cref="MaxInstructions"/> instructions,
/// physical lines of at most <see cref="MaxLineBytes"/> (the engine's own line limit) and instructions of at most
/// <see cref="MaxInstructionChars"/> once joined. Beyond that, or on a bad directive, <see cref="DockerfileFormatException"/>
/// names the line.
/// </remarks>
public static partial class DockerfileParser
{
    public const int MaxBytes = 1 << 20;
    public const int MaxInstructions = 1000;
    public const int MaxLineBytes = 65535;
    public const int MaxInstructionChars = 256 << 10;

    [GeneratedRegex(@"^#\s*([a-zA-Z][a-zA-Z0-9]*)\s*=\s*(.+?)\s*$")]
    private static partial Regex Directive();

    [GeneratedRegex(@"[\t\v\f\r ]+")]
    private static partial Regex Whitespace();

    public static IReadOnlyList<DockerfileInstruction> Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (text.Length > MaxBytes || Encoding.UTF8.GetByteCount(text) > MaxBytes)
        {
            throw new DockerfileFormatException(1, $"The Dockerfile is larger than {MaxBytes >> 10} KiB; the grader reads no more.");
        }
        if (text.Length > 0 && text[0] == '\uFEFF') text = text[1..];
        var lines = text.Split('\n');
        // A final newline does not start another line.
        var count = lines.Length > 0 && lines[^1].Length == 0 ? lines.Length - 1 : lines.Length;
        var directives = new Directives();
        var result = new List<DockerfileInstruction>();
        var i = 0;
        while (i < count)
        {
            var start = i;
            var first = ProcessLine(directives, lines, i, stripLeft: true);
            i++;
            var (line, ended) = TrimContinuation(first, directives.Escape);
            if (ended && line.Length == 0) continue;
            var joined = new StringBuilder(line);
            while (!ended && i < count)
            {
                var raw = lines[i];
                var next = ProcessLine(directives, lines, i, stripLeft: false);
                i++;
                if (IsComment(raw) || TrimNewline(raw).TrimStart().Length == 0) continue;
                (next, ended) = TrimContinuation(next, directives.Escape);
                joined.Append(next);
                if (joined.Length > MaxInstructionChars)
                {
                    throw new DockerfileFormatException(start + 1, $"The instruction starting here is longer than {MaxInstructionChars >> 10} KiB once its continuation lines are joined.");
                }
            }
            var content = joined.ToString().Trim();
            if (content.Length == 0) continue;
            if (result.Count == MaxInstructions)
            {
                throw new DockerfileFormatException(start + 1, $"The Dockerfile has more than {MaxInstructions} instructions; the grader reads no more.");
            }
            var parts = Whitespace().Split(content, 2);
            var keyword = parts[0].ToUpperInvariant();
            var arguments = parts.Length > 1 ? parts[1].Trim() : "";
            result.Add(new DockerfileInstruction(keyword, arguments, start + 1, i));
        }
        return result;
    }

    /// <summary>Reads a Dockerfile from disk, at most <see cref="MaxBytes"/> (a larger file is refused, never read whole).</summary>
    public static async Task<IReadOnlyList<DockerfileInstruction>> ParseFileAsync(string path, CancellationToken cancellationToken)
    {
        var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 4096, useAsync: true);
        await using (stream.ConfigureAwait(false))
        {
            var buffer = new byte[MaxBytes + 1];
            var total = 0;
            int read;
            while (total < buffer.Length && (read = await stream.ReadAsync(buffer.AsMemory(total), cancellationToken).ConfigureAwait(false)) > 0) total += read;
            if (total > MaxBytes) throw new DockerfileFormatException(1, $"The Dockerfile is larger than {MaxBytes >> 10} KiB; the grader reads no more.");
            return Parse(Encoding.UTF8.GetString(buffer, 0, total));
        }
    }

    /// <summary>The engine's processLine: newline trimmed, (first lines) left whitespace trimmed, a comment emptied, directives read.</summary>
    private static string ProcessLine(Directives directives, string[] lines, int index, bool stripLeft)
    {
        var token = TrimNewline(lines[index]);
        if (Encoding.UTF8.GetByteCount(token) > MaxLineBytes)
        {
            throw new DockerfileFormatException(index + 1, $"The line is longer than {MaxLineBytes} bytes (the engine's limit).");
        }
        if (stripLeft) token = token.TrimStart();
        directives.Read(token, index + 1);
        return token.StartsWith('#') ? "" : token;
    }

    private static string TrimNewline(string line) => line.TrimEnd('\r', '\n');

    private static bool IsComment(string line) => TrimNewline(line).TrimStart().StartsWith('#');

    /// <summary>
    /// The escape character at the end (spaces and tabs after it allowed) continues the line, unless another escape
    /// character precedes it; a line holding only the escape character continues too.
    /// </summary>
    private static (string Line, bool Ended) TrimContinuation(string line, char escape)
    {
        var end = line.Length;
        while (end > 0 && line[end - 1] is ' ' or '\t') end--;
        if (end == 0 || line[end - 1] != escape) return (line, true);
        if (end == 1) return ("", false);
        return line[end - 2] == escape ? (line, true) : (line[..(end - 1)], false);
    }

    /// <summary>Parser directives: read from the first lines until a line is not one.</summary>
    private sealed class Directives
    {
        private readonly HashSet<string> _seen = new(StringComparer.Ordinal);
        private bool _done;

        public char Escape { get; private set; } = '\\';

        public void Read(string line, int lineNumber)
        {
            if (_done) return;
            var match = Directive().Match(line);
            var name = match.Success ? match.Groups[1].Value.ToLowerInvariant() : null;
            if (name is not ("escape" or "syntax"))
            {
                _done = true;
                return;
            }
            if (!_seen.Add(name))
            {
                throw new DockerfileFormatException(lineNumber, string.Create(CultureInfo.InvariantCulture, $"Only one '{name}' parser directive may be used."));
            }
            if (name != "escape") return;
            Escape = match.Groups[2].Value switch
            {
                "`" => '`',
                "\\" => '\\',
                var other => throw new DockerfileFormatException(lineNumber, $"The escape directive must be ` or \\, not '{other}'."),
            };
        }
    }
}

/// <summary>A Dockerfile the grader refuses to read (too large, a bad parser directive), at the line it names.</summary>
public sealed class DockerfileFormatException(int line, string message) : Exception(message)
{
    public int Line { get; } = line;

    public DockerfileFormatException() : this(1, "The Dockerfile cannot be read.")
    {
    }

    public DockerfileFormatException(string message) : this(1, message)
    {
    }

    public DockerfileFormatException(string message, Exception innerException) : this(1, message + " " + innerException?.Message)
    {
    }
}
