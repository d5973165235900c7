using System.Text;
using System.Text.RegularExpressions;
using Grader.Rubrics.Model;
using Grader.Runner.Checkout;

namespace Grader.Runner.Docker;

/// <summary>
/// The patterns of a <c>.dockerignore</c> file, matched the way Docker matches them (moby/patternmatcher):
/// <c>*</c> and <c>?</c> never cross <c>/</c>, <c>**</c> spans folders, <c>!</c> re-includes, the last
/// matching pattern wins, a pattern that matches a parent folder matches everything under it, a leading
/// <c>/</c> is ignored and lines starting with <c>#</c> are comments.
/// </summary>
public sealed class DockerIgnore
{
    private readonly List<Pattern> _patterns;

    private DockerIgnore(List<Pattern> patterns) => _patterns = patterns;

    /// <summary>Matches nothing.</summary>
    public static DockerIgnore Empty { get; } = new([]);

    /// <summary>Whether any pattern re-includes paths (<c>!pattern</c>): excluded folders must then still be walked.</summary>
    public bool HasExceptions => _patterns.Exists(p => p.Exclusion);

    /// <summary>Reads <c>.dockerignore</c> from the context folder, or <see cref="Empty"/> when there is none.</summary>
    /// <summary>A .dockerignore larger than this is refused (the learner's failure, like a context over its size).</summary>
    public const long MaxBytes = 1_000_000;

    public static DockerIgnore Load(string contextDirectory)
    {
        var path = Path.Combine(contextDirectory, ".dockerignore");
        // A .dockerignore that is a symlink is not followed (the host file it points at is never read), nor is a
        // fifo or device opened (reading one would block the grader).
        if (UnixFileType.Of(path) != UnixFileKind.Regular) return Empty;
        var length = new FileInfo(path).Length;
        if (length > MaxBytes)
        {
            throw new BuildContextTooLargeException($"The .dockerignore is {ByteSize.Format(length)}; at most {ByteSize.Format(MaxBytes)} is read. List folders and patterns, not every file.");
        }
        return Parse(File.ReadAllText(path));
    }

    public static DockerIgnore Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var patterns = new List<Pattern>();
        foreach (var rawLine in text.Split('\n'))
        {
            var line = rawLine.TrimEnd('\r');
            if (line.StartsWith('#')) continue;
            line = line.Trim();
            if (line.Length == 0) continue;
            var exclusion = false;
            if (line[0] == '!')
            {
                exclusion = true;
                line = line[1..].Trim();
                if (line.Length == 0) continue;
            }
            line = Clean(line);
            if (line.Length > 1 && line[0] == '/') line = line[1..];
            if (line.Length == 0) continue;
            patterns.Add(new Pattern(line, exclusion, ToRegex(line)));
        }
        return new DockerIgnore(patterns);
    }

    /// <summary>Whether <paramref name="relativePath"/> (slash-separated, relative to the context) is excluded.</summary>
    public bool IsExcluded(string relativePath)
    {
        ArgumentNullException.ThrowIfNull(relativePath);
        var path = Clean(relativePath);
        var parents = path.Split('/');
        var matched = false;
        foreach (var pattern in _patterns)
        {
            // Same short-cut as Docker: an inclusion cannot change an already excluded path and vice versa.
            if (pattern.Exclusion != matched) continue;
            var match = pattern.Regex.IsMatch(path);
            for (var i = 1; !match && i < parents.Length; i++)
            {
                match = pattern.Regex.IsMatch(string.Join('/', parents, 0, i));
            }
            if (match) matched = !pattern.Exclusion;
        }
        return matched;
    }

    /// <summary>Go's filepath.Clean for slash paths: collapses duplicate slashes, "." and "..".</summary>
    private static string Clean(string path)
    {
        var rooted = path.StartsWith('/');
        var parts = new List<string>();
        foreach (var part in path.Split('/'))
        {
            if (part.Length == 0 || part == ".") continue;
            if (part == "..")
            {
                if (parts.Count > 0 && parts[^1] != "..") parts.RemoveAt(parts.Count - 1);
                else if (!rooted) parts.Add(part);
                continue;
            }
            parts.Add(part);
        }
        var joined = string.Join('/', parts);
        if (rooted) return "/" + joined;
        return joined.Length == 0 ? "." : joined;
    }

    private static Regex ToRegex(string pattern)
    {
        var sb = new StringBuilder("^");
        for (var i = 0; i < pattern.Length; i++)
        {
            var ch = pattern[i];
            switch (ch)
            {
                case '*' when i + 1 < pattern.Length && pattern[i + 1] == '*':
                    i++;
                    if (i + 1 < pattern.Length && pattern[i + 1] == '/') i++;
                    sb.Append(i + 1 >= pattern.Length ? ".*" : "(.*/)?");
                    break;
                case '*':
                    sb.Append("[^/]*");
                    break;
                case '?':
                    sb.Append("[^/]");
                    break;
                case '\\' when i + 1 < pattern.Length:
                    i++;
                    sb.Append(Regex.Escape(pattern[i].ToString()));
                    break;
                case '[':
                    // A character class passes through as in Go's filepath.Match ([!...] is negation there).
                    var end = pattern.IndexOf(']', i + 1);
                    if (end < 0)
                    {
                        sb.Append(@"\[");
                        break;
                    }
                    var body = pattern[(i + 1)..end];
                    if (body.StartsWith('!')) body = "^" + body[1..];
                    sb.Append('[').Append(body.Replace(@"\", @"\\", StringComparison.Ordinal)).Append(']');
                    i = end;
                    break;
                default:
                    sb.Append(Regex.Escape(ch.ToString()));
                    break;
            }
        }
        sb.Append('$');
        return new Regex(sb.ToString(), RegexOptions.CultureInvariant | RegexOptions.Singleline, TimeSpan.FromSeconds(1));
    }

    private sealed record Pattern(string Text, bool Exclusion, Regex Regex);
}
