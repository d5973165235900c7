using LibGit2Sharp;

namespace Grader.Runner.Checkout;

/// <summary>Writes a commit's tree into a folder (files, executable bits, symlinks that stay inside the folder).</summary>
internal static class TreeExporter
{
    public static void Export(Tree tree, string destination, CancellationToken cancellationToken)
    {
        if (Directory.Exists(destination)) Directory.Delete(destination, recursive: true);
        Directory.CreateDirectory(destination);
        var root = Path.GetFullPath(destination);
        Write(tree, root, root, cancellationToken);
    }

    private static void Write(Tree tree, string folder, string root, CancellationToken cancellationToken)
    {
        foreach (var entry in tree)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var path = Path.GetFullPath(Path.Combine(folder, entry.Name));
            if (!path.StartsWith(root + Path.DirectorySeparatorChar, StringComparison.Ordinal)) continue;
            switch (entry.Mode)
            {
                case Mode.Directory:
                    Directory.CreateDirectory(path);
                    Write((Tree)entry.Target, path, root, cancellationToken);
                    break;
                case Mode.NonExecutableFile:
                case Mode.ExecutableFile:
                    WriteBlob((Blob)entry.Target, path, entry.Mode == Mode.ExecutableFile);
                    break;
                case Mode.SymbolicLink:
                    WriteLink((Blob)entry.Target, path, root);
                    break;
                default:
                    // Submodules (gitlinks) are not part of a submission's own content.
                    break;
            }
        }
    }

    private static void WriteBlob(Blob blob, string path, bool executable)
    {
        using (var content = blob.GetContentStream())
        using (var file = File.Create(path))
        {
            content.CopyTo(file);
        }
        if (!OperatingSystem.IsWindows())
        {
            var mode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead;
            if (executable) mode |= UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute;
            File.SetUnixFileMode(path, mode);
        }
    }

    /// <summary>A link pointing outside the submission would let runner-side checks read host files: such links are dropped.</summary>
    private static void WriteLink(Blob blob, string path, string root)
    {
        var target = blob.GetContentText();
        var resolved = Path.GetFullPath(Path.Combine(Path.GetDirectoryName(path)!, target));
        if (Path.IsPathRooted(target) || !(resolved == root || resolved.StartsWith(root + Path.DirectorySeparatorChar, StringComparison.Ordinal))) return;
        File.CreateSymbolicLink(path, target);
    }
}
