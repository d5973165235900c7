namespace Grader.Runner.Checkout;

/// <summary>
/// Resolves a symbolic link of a submission over the submission's own tree, component by component as the
/// kernel does: a component that is another link of the tree is replaced by that link's target (relative to the
/// link's folder), <c>..</c> pops a component. Comparing link text instead would let <c>s -> .</c> plus
/// <c>u -> s/s/s/../../..</c> pass as "inside" although it resolves to the submission's parent.
/// </summary>
internal static class LinkResolver
{
    /// <summary>Longest link text accepted (Linux's PATH_MAX).</summary>
    public const int MaxTargetLength = 4096;

    /// <summary>
    /// Null when the link at <paramref name="linkPath"/> stays inside the submission (it may still dangle); otherwise
    /// why it is refused. <paramref name="links"/> maps every link of the tree (path relative to the root, '/'
    /// separated) to its text.
    /// </summary>
    public static string? Refusal(string linkPath, IReadOnlyDictionary<string, string> links, int maxHops)
    {
        ArgumentNullException.ThrowIfNull(linkPath);
        ArgumentNullException.ThrowIfNull(links);
        var resolved = new List<string>(linkPath.Split('/'));
        var pending = new Stack<string>();
        var hops = 0;
        if (Follow(linkPath) is { } first) return first;
        while (pending.Count > 0)
        {
            var component = pending.Pop();
            if (component.Length == 0 || component == ".") continue;
            if (component == "..")
            {
                if (resolved.Count == 0) return "it leads outside the submission";
                resolved.RemoveAt(resolved.Count - 1);
                continue;
            }
            resolved.Add(component);
            var path = string.Join('/', resolved);
            if (links.ContainsKey(path) && Follow(path) is { } refusal) return refusal;
        }
        return null;

        // Replaces the link that ends `resolved` by its target's components.
        string? Follow(string path)
        {
            if (++hops > maxHops) return $"it loops (more than {maxHops} links followed)";
            var target = links[path];
            if (target.Length == 0) return "its target is empty";
            if (target.Length > MaxTargetLength) return $"its target is longer than {MaxTargetLength} characters";
            if (target.Contains('\0', StringComparison.Ordinal)) return "its target is not a path";
            if (target.StartsWith('/')) return "it is an absolute path";
            resolved.RemoveAt(resolved.Count - 1);
            var components = target.Split('/');
            for (var i = components.Length - 1; i >= 0; i--) pending.Push(components[i]);
            return null;
        }
    }
}
