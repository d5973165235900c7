using System.Formats.Tar;
using Grader.Runner.Checkout;

namespace Grader.Runner.Docker;

/// <summary>The build context is larger than the runner accepts: the learner's failure, explained to them.</summary>
public sealed class BuildContextTooLargeException(string message) : Exception(message);

/// <summary>One entry of a build context, in archive order.</summary>
internal sealed record ContextEntry(string FullPath, string Name, UnixFileKind Kind, long Size);

/// <summary>
/// Writes a build context as a tar stream the way <c>docker build</c> sends it: <c>.dockerignore</c> honoured
/// (the Dockerfile and .dockerignore themselves are always sent), entries in ordinal order so the archive
/// is deterministic, symlinks archived as links and never followed (no host file outside the context is
/// read), devices, sockets and fifos skipped, and the size limit enforced before and while streaming.
/// </summary>
public static class BuildContextArchive
{
    private static readonly DateTimeOffset FixedTime = DateTimeOffset.UnixEpoch;

    /// <summary>Lists the entries that will be archived; throws <see cref="BuildContextTooLargeException"/> when their files add up to more than <paramref name="maxBytes"/>.</summary>
    internal static IReadOnlyList<ContextEntry> Plan(string contextDirectory, string dockerfile, long maxBytes)
    {
        var root = Path.GetFullPath(contextDirectory);
        return Plan(root, DockerIgnore.Load(root), new HashSet<string>(StringComparer.Ordinal) { Normalise(dockerfile), ".dockerignore" }, maxBytes);
    }

    /// <summary>Lists every entry of a folder (no .dockerignore), e.g. hidden tests copied into a container.</summary>
    internal static IReadOnlyList<ContextEntry> PlanFolder(string directory, long maxBytes) =>
        Plan(Path.GetFullPath(directory), DockerIgnore.Empty, new HashSet<string>(StringComparer.Ordinal), maxBytes);

    private static List<ContextEntry> Plan(string root, DockerIgnore ignore, HashSet<string> alwaysSent, long maxBytes)
    {
        var entries = new List<ContextEntry>();
        long total = 0;
        // An excluded folder is still walked when a "!" pattern might re-include something in it.
        bool Descend(FolderEntry folder) =>
            !IsExcluded(folder.RelativePath) || ignore.HasExceptions || alwaysSent.Any(a => a.StartsWith(folder.RelativePath + "/", StringComparison.Ordinal));
        bool IsExcluded(string relative) => !alwaysSent.Contains(relative) && ignore.IsExcluded(relative);
        try
        {
            // The shared walk: links are archived as links and never followed, entries and depth are bounded.
            foreach (var entry in FolderWalk.Enumerate(root, TreeBudget.Backstop(), Descend))
            {
                if (IsExcluded(entry.RelativePath)) continue;
                switch (entry.Kind)
                {
                    case UnixFileKind.Directory:
                    case UnixFileKind.SymbolicLink:
                        entries.Add(new ContextEntry(entry.FullPath, entry.RelativePath, entry.Kind, 0));
                        break;
                    case UnixFileKind.Regular:
                        var size = new FileInfo(entry.FullPath).Length;
                        total += size;
                        if (total > maxBytes) throw TooLarge(maxBytes);
                        entries.Add(new ContextEntry(entry.FullPath, entry.RelativePath, entry.Kind, size));
                        break;
                    default:
                        // Special (device, socket, fifo) or vanished: not sent.
                        break;
                }
            }
        }
        catch (SubmissionRefusedException e)
        {
            throw new BuildContextTooLargeException("The build context is too large: " + e.Message);
        }
        return entries;
    }

    /// <summary>Writes the planned entries as a tar stream to <paramref name="destination"/>, counting file bytes as they are read.</summary>
    /// <param name="worldReadable">Make every file readable (and folders enterable) by any user, for content a non-root container user must read.</param>
    internal static async Task WriteAsync(IReadOnlyList<ContextEntry> entries, Stream destination, long maxBytes, CancellationToken cancellationToken, bool worldReadable = false)
    {
        long written = 0;
        await using var tar = new TarWriter(destination, TarEntryFormat.Pax, leaveOpen: true);
        foreach (var entry in entries)
        {
            cancellationToken.ThrowIfCancellationRequested();
            switch (entry.Kind)
            {
                case UnixFileKind.Directory:
                    await tar.WriteEntryAsync(Header(TarEntryType.Directory, entry.Name + "/", entry.FullPath, worldReadable), cancellationToken).ConfigureAwait(false);
                    break;
                case UnixFileKind.SymbolicLink:
                    var link = Header(TarEntryType.SymbolicLink, entry.Name, entry.FullPath);
                    link.LinkName = new FileInfo(entry.FullPath).LinkTarget ?? "";
                    await tar.WriteEntryAsync(link, cancellationToken).ConfigureAwait(false);
                    break;
                case UnixFileKind.Regular:
                    // The file may have changed since planning: re-check it is still a regular file, then bound what is read.
                    if (UnixFileType.Of(entry.FullPath) != UnixFileKind.Regular) break;
                    await using (var file = new FileStream(entry.FullPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, 81920, FileOptions.Asynchronous | FileOptions.SequentialScan))
                    {
                        var length = file.Length;
                        written += length;
                        if (written > maxBytes) throw TooLarge(maxBytes);
                        var header = Header(TarEntryType.RegularFile, entry.Name, entry.FullPath, worldReadable);
                        header.DataStream = new LengthLimitedStream(file, length);
                        await tar.WriteEntryAsync(header, cancellationToken).ConfigureAwait(false);
                    }
                    break;
                default:
                    break;
            }
        }
    }

    /// <summary>Writes the whole context (plan + archive) to <paramref name="destination"/>.</summary>
    public static async Task WriteAsync(string contextDirectory, string dockerfile, Stream destination, long maxBytes, CancellationToken cancellationToken)
    {
        var entries = Plan(contextDirectory, dockerfile, maxBytes);
        await WriteAsync(entries, destination, maxBytes, cancellationToken).ConfigureAwait(false);
    }

    private static PaxTarEntry Header(TarEntryType type, string name, string fullPath, bool worldReadable = false)
    {
        var mode = type == TarEntryType.SymbolicLink
            ? (UnixFileMode)0x1FF
            : OperatingSystem.IsWindows() ? (UnixFileMode)0x1A4 : File.GetUnixFileMode(fullPath);
        if (worldReadable)
        {
            mode |= UnixFileMode.UserRead | UnixFileMode.GroupRead | UnixFileMode.OtherRead;
            if (type == TarEntryType.Directory) mode |= UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute;
        }
        // Owner and times are fixed so the same files always give the same archive; Docker's own CLI chowns to 0:0 as well.
        return new PaxTarEntry(type, name)
        {
            Mode = mode,
            Uid = 0,
            Gid = 0,
            ModificationTime = FixedTime,
        };
    }

    private static string Normalise(string path)
    {
        var slashes = path.Replace('\\', '/');
        while (slashes.StartsWith("./", StringComparison.Ordinal)) slashes = slashes[2..];
        return slashes.TrimStart('/');
    }

    private static BuildContextTooLargeException TooLarge(long maxBytes) => new(
        $"The build context is larger than {Grader.Rubrics.Model.ByteSize.Format(maxBytes)}. Add large files (data sets, model weights, virtual environments, .git) to .dockerignore.");
}
