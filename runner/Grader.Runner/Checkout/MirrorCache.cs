using System.Collections.Concurrent;
using System.Globalization;
using Grader.Rubrics.Model;
using Microsoft.Extensions.Logging;

namespace Grader.Runner.Checkout;

/// <summary>
/// The bare mirrors under <see cref="CheckoutSettings.MirrorCache"/>: who may use one, how large each is, and
/// pruning. A mirror is used under a lease: an in-process gate (jobs of one process wait their turn without
/// blocking threads) plus an exclusive lock on <c>KEY.lock</c> beside the mirror, which also keeps other grader
/// processes (workers sharing the cache) out. Pruning only deletes a mirror whose lease it gets at once, so a
/// mirror in use is never deleted. After each use the mirror's size is recorded in a file inside it, whose
/// modification time is the last use: pruning reads those instead of measuring every mirror.
/// </summary>
internal sealed partial class MirrorCache(string root, CheckoutLimits limits, ILogger logger)
{
    /// <summary>Written into each mirror after use: its size in bytes; the file's time is the last use.</summary>
    internal const string UsageFileName = "grader-mirror-usage";

    // What .NET reports for a file locked elsewhere: the errno EWOULDBLOCK on Linux, ERROR_SHARING_VIOLATION on Windows.
    private const int WouldBlock = 11;
    private const int SharingViolation = 32;
    private static readonly TimeSpan LockPollInterval = TimeSpan.FromMilliseconds(100);
    private static readonly ConcurrentDictionary<string, SemaphoreSlim> Gates = new(StringComparer.Ordinal);

    /// <summary>Waits for the mirror's lease (in this process, then across processes).</summary>
    public async Task<IDisposable> AcquireAsync(string mirror, CancellationToken cancellationToken)
    {
        var gate = Gates.GetOrAdd(mirror, _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            while (true)
            {
                if (TryLockFile(mirror) is { } file) return new Lease(gate, file);
                // Another grader process holds it (rare: the same repository graded twice at once). There is no
                // cancellable blocking file lock in .NET, so poll.
                await Task.Delay(LockPollInterval, cancellationToken).ConfigureAwait(false);
            }
        }
        catch
        {
            gate.Release();
            throw;
        }
    }

    /// <summary>Records the mirror's size and last use; deletes it when it is over the per-repository bound. Call under its lease.</summary>
    public void RecordUse(string mirror)
    {
        try
        {
            if (!Directory.Exists(mirror)) return;
            var size = Measure(mirror);
            if (size > limits.MaxMirrorBytes)
            {
                Delete(mirror);
                LogMirrorOverBound(logger, Path.GetFileName(mirror), ByteSize.Format(size), ByteSize.Format(limits.MaxMirrorBytes));
                return;
            }
            File.WriteAllText(Path.Combine(mirror, UsageFileName), size.ToString(CultureInfo.InvariantCulture));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Bookkeeping only: the checkout stands; an unrecorded mirror is measured by the next prune.
            LogBookkeepingFailed(logger, ex, Path.GetFileName(mirror));
        }
    }

    /// <summary>Deletes least recently used mirrors until all fit in <see cref="CheckoutLimits.MaxMirrorCacheBytes"/>; never <paramref name="inUse"/> nor a mirror another job holds.</summary>
    public void Prune(string inUse)
    {
        if (!Directory.Exists(root)) return;
        var mirrors = Directory.EnumerateDirectories(root, "*.git").Select(Usage).ToList();
        var total = mirrors.Sum(m => m.Bytes);
        foreach (var mirror in mirrors.Where(m => !string.Equals(m.Path, inUse, StringComparison.Ordinal)).OrderBy(m => m.LastUsed))
        {
            if (total <= limits.MaxMirrorCacheBytes) return;
            var gate = Gates.GetOrAdd(mirror.Path, _ => new SemaphoreSlim(1, 1));
            if (!gate.Wait(0)) continue;
            try
            {
                using var file = TryLockFile(mirror.Path);
                if (file is null) continue;
                Delete(mirror.Path);
                total -= mirror.Bytes;
                LogMirrorPruned(logger, Path.GetFileName(mirror.Path), ByteSize.Format(mirror.Bytes), mirror.LastUsed);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                LogBookkeepingFailed(logger, ex, Path.GetFileName(mirror.Path));
            }
            finally
            {
                gate.Release();
            }
        }
    }

    public static void Delete(string mirror)
    {
        if (Directory.Exists(mirror)) Directory.Delete(mirror, recursive: true);
    }

    /// <summary>Bytes of a mirror's files (a bare repository has no links; any link is skipped, not followed).</summary>
    public static long Measure(string mirror)
    {
        if (!Directory.Exists(mirror)) return 0;
        var options = new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = FileAttributes.ReparsePoint, IgnoreInaccessible = true };
        return new DirectoryInfo(mirror).EnumerateFiles("*", options).Sum(f => f.Length);
    }

    private static (string Path, long Bytes, DateTime LastUsed) Usage(string mirror)
    {
        var usage = new FileInfo(Path.Combine(mirror, UsageFileName));
        try
        {
            if (usage.Exists && long.TryParse(File.ReadAllText(usage.FullName), NumberStyles.None, CultureInfo.InvariantCulture, out var bytes))
            {
                return (mirror, bytes, usage.LastWriteTimeUtc);
            }
        }
        catch (IOException)
        {
            // Being rewritten by its user: measure it instead.
        }
        // A mirror from before usage files (or one whose first checkout failed): measured, and oldest first.
        return (mirror, Measure(mirror), Directory.GetLastWriteTimeUtc(mirror));
    }

    /// <summary>The exclusive lock on the mirror's lock file, or null while another process (or lease) holds it.</summary>
    private FileStream? TryLockFile(string mirror)
    {
        Directory.CreateDirectory(root);
        try
        {
            // On Unix, FileShare.None takes flock(LOCK_EX | LOCK_NB): exclusive across processes and open files.
            return new FileStream(mirror[..^".git".Length] + ".lock", FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException ex) when (ex.HResult == WouldBlock || (ex.HResult & 0xFFFF) == SharingViolation)
        {
            return null;
        }
    }

    private sealed class Lease(SemaphoreSlim gate, FileStream file) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
            file.Dispose();
            gate.Release();
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Mirror {Mirror}: recording or pruning failed; the next checkout retries")]
    private static partial void LogBookkeepingFailed(ILogger logger, Exception exception, string mirror);

    [LoggerMessage(Level = LogLevel.Information, Message = "Deleted mirror {Mirror}: {Size} is over the per-repository bound of {Bound}")]
    private static partial void LogMirrorOverBound(ILogger logger, string mirror, string size, string bound);

    [LoggerMessage(Level = LogLevel.Information, Message = "Pruned mirror {Mirror} ({Size}, last used {LastUsed:o}) to keep the mirror cache within its bound")]
    private static partial void LogMirrorPruned(ILogger logger, string mirror, string size, DateTime lastUsed);
}
