using System.Text;
using Grader.Runner.Checkout;

namespace Grader.Runner.Documents;

/// <summary>
/// Reads files of a learner's submission on the runner safely: the path must stay inside the submission,
/// no component may be a symbolic link (a link to /etc/shadow must not leak the runner's files into a
/// review), and only a bounded number of bytes is read.
/// </summary>
public static class SubmissionFiles
{
    public const int DefaultMaxBytes = 1 << 20;

    /// <summary>How deep a glob search goes: a file 17 folders down is not a document anyone is asked for.</summary>
    private const int MaxSearchDepth = 17;

    /// <summary>Resolves a relative path inside <paramref name="root"/>; null with an error when it escapes or crosses a link.</summary>
    public static string? Resolve(string root, string relativePath, out string? error)
    {
        ArgumentNullException.ThrowIfNull(root);
        ArgumentNullException.ThrowIfNull(relativePath);
        error = null;
        var fullRoot = Path.GetFullPath(root);
        var full = Path.GetFullPath(Path.Combine(fullRoot, relativePath));
        var rootWithSeparator = fullRoot.EndsWith(Path.DirectorySeparatorChar) ? fullRoot : fullRoot + Path.DirectorySeparatorChar;
        if (!full.StartsWith(rootWithSeparator, StringComparison.Ordinal))
        {
            error = $"'{relativePath}' is outside the submission.";
            return null;
        }
        var current = fullRoot;
        foreach (var part in Path.GetRelativePath(fullRoot, full).Split(Path.DirectorySeparatorChar))
        {
            current = Path.Combine(current, part);
            var info = new FileInfo(current);
            if (info.Exists || Directory.Exists(current))
            {
                if (info.LinkTarget is not null || new DirectoryInfo(current).LinkTarget is not null)
                {
                    error = $"'{relativePath}' is a symbolic link; the grader only reads regular files of the submission.";
                    return null;
                }
            }
        }
        return full;
    }

    /// <summary>Reads a text file of the submission (UTF-8, at most <paramref name="maxBytes"/>).</summary>
    public static bool TryReadText(string root, string relativePath, out string text, out string? error, int maxBytes = DefaultMaxBytes)
    {
        text = "";
        var path = Resolve(root, relativePath, out error);
        if (path is null) return false;
        switch (UnixFileType.Of(path))
        {
            case UnixFileKind.Missing:
                error = $"'{relativePath}' does not exist.";
                return false;
            case UnixFileKind.Regular:
                break;
            default:
                // A folder, fifo, socket or device: opening a fifo would block the grader.
                error = $"'{relativePath}' is not a regular file.";
                return false;
        }
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read);
        if (stream.Length > maxBytes)
        {
            error = $"'{relativePath}' is {stream.Length} bytes; at most {maxBytes} are read.";
            return false;
        }
        var buffer = new byte[stream.Length];
        stream.ReadExactly(buffer);
        text = Encoding.UTF8.GetString(buffer);
        return true;
    }

    /// <summary>Finds the first file matching a path or a simple glob (<c>*</c>, <c>?</c>, <c>**</c>) relative to the root, in ordinal order.</summary>
    public static string? FindFirst(string root, string pattern)
    {
        ArgumentNullException.ThrowIfNull(pattern);
        if (pattern.IndexOfAny(['*', '?']) < 0) return pattern;
        var regex = new System.Text.RegularExpressions.Regex(
            "^" + System.Text.RegularExpressions.Regex.Escape(pattern.Replace('\\', '/'))
                .Replace(@"\*\*/", "(?:.*/)?", StringComparison.Ordinal)
                .Replace(@"\*\*", ".*", StringComparison.Ordinal)
                .Replace(@"\*", "[^/]*", StringComparison.Ordinal)
                .Replace(@"\?", "[^/]", StringComparison.Ordinal) + "$",
            System.Text.RegularExpressions.RegexOptions.IgnoreCase | System.Text.RegularExpressions.RegexOptions.CultureInvariant,
            TimeSpan.FromSeconds(1));
        try
        {
            // The shared bounded walk (links never followed); the search itself goes at most MaxSearchDepth folders down.
            return FolderWalk.Enumerate(root, TreeBudget.Backstop(), descend: e => e.Depth < MaxSearchDepth && e.RelativePath != ".git")
                .Where(e => e.Kind == UnixFileKind.Regular && regex.IsMatch(e.RelativePath))
                .Select(e => e.RelativePath)
                .Order(StringComparer.Ordinal)
                .FirstOrDefault();
        }
        catch (SubmissionRefusedException)
        {
            // Past the walk's backstop: the checkout's own limits refuse such trees first; here nothing matches.
            return null;
        }
    }
}
