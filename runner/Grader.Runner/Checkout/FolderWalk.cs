
namespace Grader.Runner.Checkout;

/// <summary>One entry of a folder walk; <see cref="Depth"/> is 1 for the root's own entries.</summary>
internal sealed record FolderEntry(string FullPath, string RelativePath, UnixFileKind Kind, int Depth);

/// <summary>
/// The one walk of folders learners control (a folder graded in place, build contexts, the reuse digest, document
/// searches): entries come lazily, depth first, each folder's names in ordinal order; types come from lstat, so a
/// symbolic link is reported and never followed (four links <c>a -> .</c> cannot loop); every entry is counted
/// against a <see cref="TreeBudget"/>, which refuses the walk at its entry and depth limits. Memory is one sorted
/// name list per open folder.
/// </summary>
internal static class FolderWalk
{
    /// <param name="descend">Whether to walk into a folder (default: always).</param>
    public static IEnumerable<FolderEntry> Enumerate(string root, TreeBudget budget, Func<FolderEntry, bool>? descend = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(root);
        ArgumentNullException.ThrowIfNull(budget);
        var fullRoot = Path.GetFullPath(root);
        var open = new Stack<(IEnumerator<string> Names, string Directory, string Prefix, int Depth)>();
        open.Push((Names(fullRoot, "", 1, budget), fullRoot, "", 1));
        try
        {
            while (open.Count > 0)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var (names, directory, prefix, depth) = open.Peek();
                if (!names.MoveNext())
                {
                    names.Dispose();
                    open.Pop();
                    continue;
                }
                var name = names.Current;
                var entry = new FolderEntry(Path.Combine(directory, name), prefix.Length == 0 ? name : prefix + "/" + name, UnixFileType.Of(Path.Combine(directory, name)), depth);
                yield return entry;
                if (entry.Kind == UnixFileKind.Directory && (descend is null || descend(entry)))
                {
                    open.Push((Names(entry.FullPath, entry.RelativePath, depth + 1, budget), entry.FullPath, entry.RelativePath, depth + 1));
                }
            }
        }
        finally
        {
            while (open.Count > 0) open.Pop().Names.Dispose();
        }
    }

    /// <summary>A folder's names in ordinal order, each counted before the list grows further.</summary>
    private static IEnumerator<string> Names(string directory, string prefix, int depth, TreeBudget budget)
    {
        var names = new List<string>();
        foreach (var path in Directory.EnumerateFileSystemEntries(directory))
        {
            var name = Path.GetFileName(path);
            budget.Entry(prefix.Length == 0 ? name : prefix + "/" + name, name, depth);
            names.Add(name);
        }
        names.Sort(StringComparer.Ordinal);
        return names.GetEnumerator();
    }
}
