using LibGit2Sharp;

namespace Grader.Runner.Checkout;

internal enum PlannedKind
{
    Directory,
    File,
    ExecutableFile,
    Link,
}

/// <summary>One entry to write: its path relative to the submission ('/' separated), object and size.</summary>
internal sealed record PlannedEntry(string Path, PlannedKind Kind, ObjectId? Id, long Size, string? LinkTarget = null);

/// <summary>What a commit's tree will write, measured in memory: nothing is on disk yet.</summary>
/// <param name="Dropped">Entries left out and why (links that leave the submission or loop, unsafe names), for the step's details.</param>
internal sealed record TreePlan(IReadOnlyList<PlannedEntry> Entries, IReadOnlyList<string> Dropped, int EntryCount, long TotalBytes, long LargestFileBytes);

/// <summary>
/// Walks a commit's tree in memory before anything is written: counts entries, depth and file bytes (sizes come
/// from the object database's headers, content is not read; a blob referenced N times counts N times), refusing
/// the submission at the first limit passed, and resolves every symbolic link over the tree, dropping those that
/// leave the submission or loop.
/// </summary>
internal static class TreePlanner
{
    public static TreePlan Plan(Repository repository, Tree tree, CheckoutLimits limits, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(repository);
        ArgumentNullException.ThrowIfNull(tree);
        var budget = new TreeBudget(limits);
        var sizes = new Dictionary<ObjectId, GitObjectMetadata>();
        var entries = new List<PlannedEntry>();
        var links = new Dictionary<string, string>(StringComparer.Ordinal);
        var dropped = new List<string>();
        // Iterative: a hostile tree may be deep (refused at MaxDepth) or wide; neither may grow the call stack.
        var pending = new Stack<(Tree Tree, string Prefix, int Depth)>();
        pending.Push((tree, "", 1));
        while (pending.Count > 0)
        {
            var (current, prefix, depth) = pending.Pop();
            foreach (var entry in current)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var name = entry.Name;
                var path = prefix.Length == 0 ? name : prefix + "/" + name;
                budget.Entry(path, name, depth);
                if (UnsafeName(name) is { } why)
                {
                    dropped.Add($"'{TreeBudget.Excerpt(path)}' left out: {why}");
                    continue;
                }
                switch (entry.Mode)
                {
                    case Mode.Directory when Metadata(entry) is { Type: ObjectType.Tree }:
                        entries.Add(new PlannedEntry(path, PlannedKind.Directory, null, 0));
                        pending.Push(((Tree)entry.Target, path, depth + 1));
                        break;
                    case Mode.NonExecutableFile or Mode.ExecutableFile when Metadata(entry) is { Type: ObjectType.Blob } file:
                        budget.File(path, file.Size);
                        entries.Add(new PlannedEntry(path, entry.Mode == Mode.ExecutableFile ? PlannedKind.ExecutableFile : PlannedKind.File, entry.Target.Id, file.Size));
                        break;
                    case Mode.SymbolicLink when Metadata(entry) is { Type: ObjectType.Blob } link:
                        if (link.Size > LinkResolver.MaxTargetLength)
                        {
                            dropped.Add($"link '{TreeBudget.Excerpt(path)}' left out: its target is longer than {LinkResolver.MaxTargetLength} characters");
                            break;
                        }
                        var target = ((Blob)entry.Target).GetContentText();
                        links[path] = target;
                        entries.Add(new PlannedEntry(path, PlannedKind.Link, entry.Target.Id, 0, target));
                        break;
                    case Mode.GitLink:
                        // Submodules are not part of the submission's own content.
                        break;
                    default:
                        dropped.Add($"'{TreeBudget.Excerpt(path)}' left out: its mode and object do not match");
                        break;
                }
            }
        }

        var refused = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (path, target) in links)
        {
            if (LinkResolver.Refusal(path, links, limits.MaxLinkHops) is not { } reason) continue;
            refused.Add(path);
            dropped.Add($"link '{TreeBudget.Excerpt(path)}' -> '{TreeBudget.Excerpt(target)}' left out: {reason}");
        }
        var kept = refused.Count == 0 ? entries : entries.Where(e => !refused.Contains(e.Path)).ToList();
        return new TreePlan(kept, dropped, budget.Entries, budget.TotalBytes, budget.LargestFileBytes);

        GitObjectMetadata Metadata(TreeEntry entry)
        {
            var id = entry.Target.Id;
            if (!sizes.TryGetValue(id, out var metadata))
            {
                // The header only: a 10 MB blob referenced 300 times is measured, never inflated.
                metadata = repository.ObjectDatabase.RetrieveObjectMetadata(id);
                sizes[id] = metadata;
            }
            return metadata;
        }
    }

    /// <summary>Names git itself refuses to check out, and names that could leave the folder.</summary>
    private static string? UnsafeName(string name)
    {
        if (name.Length == 0 || name is "." or "..") return "the name is not a file name";
        if (name.AsSpan().IndexOfAny('/', '\\', '\0') >= 0) return "the name contains a path separator";
        if (name.Equals(".git", StringComparison.OrdinalIgnoreCase)) return "a .git folder is never part of a submission";
        return null;
    }
}
