namespace Grader.Runner.Docker;

/// <summary>A cgroup hierarchy mounted on this host: v1 (one per controller set) or the v2 unified hierarchy.</summary>
/// <param name="Controllers">v1: the hierarchy's controllers (e.g. <c>pids</c>, <c>memory</c>); v2: empty.</param>
internal sealed record CgroupMount(string MountPoint, bool Unified, IReadOnlySet<string> Controllers);

/// <summary>
/// The cgroup hierarchies this process can write, read from <c>/proc/self/mountinfo</c>. Only mounts of a hierarchy's
/// root are used: a mount of a sub-tree (a runner inside a container with its own cgroup namespace) would put the
/// build's cgroup somewhere other than where the engine looks.
/// </summary>
internal static class CgroupMounts
{
    public const string MountInfo = "/proc/self/mountinfo";

    public static IReadOnlyList<CgroupMount> Read(string mountInfoPath = MountInfo)
    {
        if (!File.Exists(mountInfoPath)) return [];
        var mounts = new List<CgroupMount>();
        foreach (var line in File.ReadLines(mountInfoPath))
        {
            // id parent major:minor root mount-point options [optional...] - fstype source super-options
            var separator = line.IndexOf(" - ", StringComparison.Ordinal);
            if (separator < 0) continue;
            var left = line[..separator].Split(' ');
            var right = line[(separator + 3)..].Split(' ');
            if (left.Length < 5 || right.Length < 3 || left[3] != "/") continue;
            var mountPoint = left[4].Replace("\\040", " ", StringComparison.Ordinal);
            if (right[0] == "cgroup2")
            {
                mounts.Add(new CgroupMount(mountPoint, true, new HashSet<string>(StringComparer.Ordinal)));
            }
            else if (right[0] == "cgroup")
            {
                var controllers = right[2].Split(',').Where(o => o is not ("rw" or "ro") && !o.Contains('=', StringComparison.Ordinal)).ToHashSet(StringComparer.Ordinal);
                mounts.Add(new CgroupMount(mountPoint, false, controllers));
            }
        }
        return mounts;
    }
}
