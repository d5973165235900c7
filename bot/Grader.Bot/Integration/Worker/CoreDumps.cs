using System.Runtime.InteropServices;

namespace Grader.Bot.Integration.Worker;

/// <summary>
/// Turns core dumps off for the worker (RLIMIT_CORE = 0, inherited by what it starts): a worker that crashes on a
/// poisoned submission must not write its memory, the installation token included, to disk.
/// </summary>
internal static class CoreDumps
{
    /// <summary>RLIMIT_CORE on Linux.</summary>
    private const int CoreLimit = 4;

    // DllImport with an array keeps the project free of unsafe code (LibraryImport with a struct needs it).
#pragma warning disable SYSLIB1054, CA5392
    [DllImport("libc", EntryPoint = "setrlimit", SetLastError = true)]
    private static extern int SetLimit(int resource, ulong[] limit);
#pragma warning restore SYSLIB1054, CA5392

    /// <summary>True when the limit is set; false where it cannot be (not Linux, or refused).</summary>
    public static bool TryDisable()
    {
        if (!OperatingSystem.IsLinux())
        {
            return false;
        }

        try
        {
            return SetLimit(CoreLimit, [0, 0]) == 0;
        }
        catch (Exception ex) when (ex is DllNotFoundException or EntryPointNotFoundException)
        {
            return false;
        }
    }
}
