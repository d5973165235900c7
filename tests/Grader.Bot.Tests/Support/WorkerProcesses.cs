using System.Diagnostics;
using System.Globalization;

namespace Grader.Bot.Tests.Support;

/// <summary>
/// The grading worker processes (<c>grader worker --job KEY</c>) this test process started, read from /proc as an
/// operator would find them with ps.
/// </summary>
internal static class WorkerProcesses
{
    /// <summary>Process ids of the live workers of a job started by this process.</summary>
    public static IReadOnlyList<int> Of(string jobKey)
    {
        var found = new List<int>();
        foreach (var directory in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(directory), NumberStyles.None, CultureInfo.InvariantCulture, out var pid))
            {
                continue;
            }

            try
            {
                var arguments = File.ReadAllText(Path.Combine(directory, "cmdline")).Split('\0');
                if (ParentOf(directory) == Environment.ProcessId && arguments.Contains("worker") && arguments.Contains(jobKey))
                {
                    found.Add(pid);
                }
            }
            catch (IOException)
            {
                // The process ended while it was read.
            }
            catch (UnauthorizedAccessException)
            {
                // Not ours.
            }
        }

        return found;
    }

    /// <summary>Waits for a live worker of the job other than <paramref name="except"/>.</summary>
    public static async Task<int> WaitForAsync(string jobKey, int? except = null) =>
        (await Eventually.ThatAsync(() => Task.FromResult(Of(jobKey).Where(p => p != except).ToList()), pids => pids.Count > 0,
            $"a grading worker process of {jobKey}"))[0];

    /// <summary>SIGKILL, as the kernel's OOM killer or a crash would end it: no handler in the worker runs.</summary>
    public static void Kill(int pid)
    {
        using var process = Process.GetProcessById(pid);
        process.Kill();
    }

    private static int ParentOf(string procDirectory)
    {
        // stat is "pid (comm) state ppid ...": comm may hold spaces and parentheses, so read after its last ')'.
        var stat = File.ReadAllText(Path.Combine(procDirectory, "stat"));
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return int.Parse(fields[1], CultureInfo.InvariantCulture);
    }
}
