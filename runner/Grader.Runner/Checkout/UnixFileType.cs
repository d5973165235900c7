using System.Runtime.InteropServices;

namespace Grader.Runner.Checkout;

/// <summary>The type of a directory entry, read with lstat (links are not followed).</summary>
internal enum UnixFileKind
{
    Regular,
    Directory,
    SymbolicLink,
    /// <summary>A device, socket or fifo: never archived (reading a fifo would block, a device could be anything).</summary>
    Special,
    Missing,
}

/// <summary>
/// .NET's FileSystemInfo cannot tell a fifo, socket or device from an empty regular file, so the type
/// comes from lstat(2) itself. glibc's struct stat keeps st_mode at offset 24 on x86-64 and 16 on arm64.
/// </summary>
internal static class UnixFileType
{
    private const int StatBufferSize = 256;
    private const uint TypeMask = 0xF000;
    private const uint Fifo = 0x1000;
    private const uint CharDevice = 0x2000;
    private const uint DirectoryType = 0x4000;
    private const uint BlockDevice = 0x6000;
    private const uint RegularType = 0x8000;
    private const uint LinkType = 0xA000;
    private const uint SocketType = 0xC000;

    // DllImport with a byte[] keeps the project free of unsafe code (LibraryImport with a span needs it).
#pragma warning disable SYSLIB1054, CA5392
    [DllImport("libc", EntryPoint = "lstat", SetLastError = true)]
    private static extern int LStat([MarshalAs(UnmanagedType.LPUTF8Str)] string path, byte[] buffer);
#pragma warning restore SYSLIB1054, CA5392

    public static UnixFileKind Of(string path)
    {
        var offset = RuntimeInformation.ProcessArchitecture switch
        {
            Architecture.X64 => 24,
            Architecture.Arm64 => 16,
            _ => -1,
        };
        if (offset < 0 || !OperatingSystem.IsLinux()) return FromFileSystemInfo(path);
        var buffer = new byte[StatBufferSize];
        if (LStat(path, buffer) != 0) return UnixFileKind.Missing;
        var mode = BitConverter.ToUInt32(buffer, offset);
        return (mode & TypeMask) switch
        {
            RegularType => UnixFileKind.Regular,
            DirectoryType => UnixFileKind.Directory,
            LinkType => UnixFileKind.SymbolicLink,
            Fifo or CharDevice or BlockDevice or SocketType => UnixFileKind.Special,
            _ => UnixFileKind.Special,
        };
    }

    private static UnixFileKind FromFileSystemInfo(string path)
    {
        var info = new FileInfo(path);
        if (info.LinkTarget is not null) return UnixFileKind.SymbolicLink;
        if (info.Attributes.HasFlag(FileAttributes.Directory)) return UnixFileKind.Directory;
        return info.Exists ? UnixFileKind.Regular : UnixFileKind.Missing;
    }
}
