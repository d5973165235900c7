using System.Formats.Tar;
using Grader.Rubrics.Model;
using Grader.Runner.Checkout;

namespace Grader.Runner.Docker;

/// <summary>What was extracted from an archive a container produced, and why extraction stopped if it did.</summary>
public sealed record ExtractionResult(int Files, long Bytes, IReadOnlyList<string> Skipped, string? Error);

/// <summary>
/// Extracts a tar stream that learner code produced (e.g. a copied-out report folder) without trusting it:
/// only regular files and folders are written, names that are absolute or climb out with <c>..</c> are
/// skipped, symlinks, hard links and devices are never created, and the bytes and entries are counted while
/// streaming so an oversized archive stops extraction instead of filling the runner's disk or memory.
/// </summary>
public static class SafeTarExtractor
{
    public const int MaxEntries = 10_000;

    public static async Task<ExtractionResult> ExtractAsync(Stream archive, string destination, long maxBytes, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(archive);
        var root = Path.GetFullPath(destination);
        Directory.CreateDirectory(root);
        var skipped = new List<string>();
        long bytes = 0;
        var files = 0;
        var entries = 0;
        await using var reader = new TarReader(archive, leaveOpen: true);
        try
        {
            while (await reader.GetNextEntryAsync(copyData: false, cancellationToken).ConfigureAwait(false) is { } entry)
            {
                if (++entries > MaxEntries) return new(files, bytes, skipped, $"the archive has more than {MaxEntries} entries");
                var target = SafeTarget(root, entry.Name);
                if (target is null)
                {
                    skipped.Add(entry.Name);
                    continue;
                }
                switch (entry.EntryType)
                {
                    case TarEntryType.Directory:
                        Directory.CreateDirectory(target);
                        break;
                    case TarEntryType.RegularFile or TarEntryType.V7RegularFile or TarEntryType.ContiguousFile:
                        if (bytes + entry.Length > maxBytes)
                        {
                            return new(files, bytes, skipped, $"the files copied out are larger than {ByteSize.Format(maxBytes)}");
                        }
                        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
                        if (UnixFileType.Of(target) is not UnixFileKind.Missing and not UnixFileKind.Regular)
                        {
                            skipped.Add(entry.Name);
                            break;
                        }
                        await using (var output = new FileStream(target, FileMode.Create, FileAccess.Write, FileShare.None, 81920, FileOptions.Asynchronous))
                        {
                            if (entry.DataStream is not null)
                            {
                                await CopyBoundedAsync(entry.DataStream, output, entry.Length, cancellationToken).ConfigureAwait(false);
                            }
                        }
                        bytes += entry.Length;
                        files++;
                        break;
                    default:
                        // Links, devices, fifos: never materialised on the runner.
                        skipped.Add(entry.Name);
                        break;
                }
            }
        }
        catch (Exception e) when (e is InvalidDataException or FormatException or EndOfStreamException)
        {
            return new(files, bytes, skipped, $"the archive is corrupt: {e.Message}");
        }
        return new(files, bytes, skipped, null);
    }

    private static async Task CopyBoundedAsync(Stream source, Stream destination, long length, CancellationToken cancellationToken)
    {
        var buffer = new byte[81920];
        long remaining = length;
        while (remaining > 0)
        {
            var read = await source.ReadAsync(buffer.AsMemory(0, (int)Math.Min(buffer.Length, remaining)), cancellationToken).ConfigureAwait(false);
            if (read == 0) break;
            await destination.WriteAsync(buffer.AsMemory(0, read), cancellationToken).ConfigureAwait(false);
            remaining -= read;
        }
    }

    /// <summary>The full path an entry would be written to, or null when its name escapes the destination.</summary>
    internal static string? SafeTarget(string root, string name)
    {
        if (string.IsNullOrEmpty(name) || name.Contains('\0', StringComparison.Ordinal)) return null;
        var normalised = name.Replace('\\', '/');
        if (normalised.StartsWith('/')) return null;
        var parts = normalised.Split('/', StringSplitOptions.RemoveEmptyEntries);
        if (parts.Any(p => p == "..")) return null;
        var relative = string.Join('/', parts.Where(p => p != "."));
        if (relative.Length == 0) return root;
        var full = Path.GetFullPath(Path.Combine(root, relative));
        if (!full.StartsWith(root + Path.DirectorySeparatorChar, StringComparison.Ordinal)) return null;
        // A folder on the way that is a symlink (made earlier by someone else) would lead outside: refuse.
        for (var dir = Path.GetDirectoryName(full); dir is not null && dir.Length > root.Length; dir = Path.GetDirectoryName(dir))
        {
            if (UnixFileType.Of(dir) == UnixFileKind.SymbolicLink) return null;
        }
        return full;
    }
}
