using LibGit2Sharp;

namespace Grader.Runner.Checkout;

/// <summary>
/// Writes a <see cref="TreePlan"/> into a folder (files, executable bits, the links the plan kept). The plan was
/// bounded and its links resolved before this runs, so a refused submission never reaches the disk.
/// </summary>
internal static class TreeExporter
{
    public static void Export(Repository repository, TreePlan plan, string destination, CancellationToken cancellationToken)
    {
        if (Directory.Exists(destination)) Directory.Delete(destination, recursive: true);
        Directory.CreateDirectory(destination);
        var root = Path.GetFullPath(destination);
        foreach (var entry in plan.Entries)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var path = Path.GetFullPath(Path.Combine(root, entry.Path));
            // The plan refused unsafe names already; this keeps the guarantee local to the writer.
            if (!path.StartsWith(root + Path.DirectorySeparatorChar, StringComparison.Ordinal)) continue;
            switch (entry.Kind)
            {
                case PlannedKind.Directory:
                    Directory.CreateDirectory(path);
                    break;
                case PlannedKind.File or PlannedKind.ExecutableFile:
                    WriteBlob(repository.Lookup<Blob>(entry.Id), path, entry.Size, entry.Kind == PlannedKind.ExecutableFile);
                    break;
                case PlannedKind.Link:
                    File.CreateSymbolicLink(path, entry.LinkTarget!);
                    break;
            }
        }
    }

    private static void WriteBlob(Blob blob, string path, long size, bool executable)
    {
        using (var content = blob.GetContentStream())
        using (var file = File.Create(path))
        {
            // Exactly the planned size: the budget counted this number of bytes.
            new LengthLimitedStream(content, size).CopyTo(file);
        }
        if (!OperatingSystem.IsWindows())
        {
            var mode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead;
            if (executable) mode |= UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute;
            File.SetUnixFileMode(path, mode);
        }
    }
}
