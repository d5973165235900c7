using System.Diagnostics;
using Grader.Runner.Checkout;
using Microsoft.Extensions.Logging.Abstractions;

namespace Grader.Runner.Tests.Checkout;

[TestFixture]
public sealed class MirrorCacheTests
{
    private string _root = null!;

    [SetUp]
    public void SetUp() => _root = Directory.CreateTempSubdirectory("grader-mirrors-").FullName;

    [TearDown]
    public void TearDown() => Directory.Delete(_root, recursive: true);

    private MirrorCache Cache(long maxCache = long.MaxValue, long maxMirror = long.MaxValue) =>
        new(_root, new CheckoutLimits { MaxMirrorCacheBytes = maxCache, MaxMirrorBytes = maxMirror }, NullLogger.Instance);

    /// <summary>A mirror folder of <paramref name="bytes"/> whose use is recorded at <paramref name="lastUsed"/>.</summary>
    private string Mirror(string key, int bytes, DateTime lastUsed)
    {
        var mirror = Directory.CreateDirectory(Path.Combine(_root, key + ".git")).FullName;
        Directory.CreateDirectory(Path.Combine(mirror, "objects", "pack"));
        File.WriteAllBytes(Path.Combine(mirror, "objects", "pack", "pack-1.pack"), new byte[bytes]);
        Cache().RecordUse(mirror);
        File.SetLastWriteTimeUtc(Path.Combine(mirror, MirrorCache.UsageFileName), lastUsed);
        return mirror;
    }

    private static readonly DateTime Monday = new(2026, 3, 2, 9, 0, 0, DateTimeKind.Utc);

    [Test]
    public void RecordUse_Mirror_WritesItsSize()
    {
        var mirror = Mirror("a", 5000, Monday);

        Assert.That(File.ReadAllText(Path.Combine(mirror, MirrorCache.UsageFileName)), Is.EqualTo("5000"));
    }

    [Test]
    public void RecordUse_OverThePerRepositoryBound_DeletesTheMirror()
    {
        var mirror = Mirror("a", 5000, Monday);

        Cache(maxMirror: 4000).RecordUse(mirror);

        Assert.That(Directory.Exists(mirror), Is.False);
    }

    [Test]
    public void Prune_OverTheCacheBound_DeletesLeastRecentlyUsedUntilItFits()
    {
        var oldest = Mirror("a", 4000, Monday);
        var middle = Mirror("b", 4000, Monday.AddHours(1));
        var newest = Mirror("c", 4000, Monday.AddHours(2));
        var current = Mirror("d", 4000, Monday.AddHours(3));

        Cache(maxCache: 9000).Prune(inUse: current);

        Assert.Multiple(() =>
        {
            Assert.That(Directory.Exists(oldest), Is.False);
            Assert.That(Directory.Exists(middle), Is.False);
            Assert.That(Directory.Exists(newest), Is.True);
            Assert.That(Directory.Exists(current), Is.True);
        });
    }

    [Test]
    public void Prune_MirrorInUseIsTheOldest_NeverDeleted()
    {
        var inUse = Mirror("a", 4000, Monday);
        var other = Mirror("b", 4000, Monday.AddHours(1));

        Cache(maxCache: 1000).Prune(inUse: inUse);

        Assert.Multiple(() =>
        {
            Assert.That(Directory.Exists(inUse), Is.True);
            Assert.That(Directory.Exists(other), Is.False);
        });
    }

    [Test]
    public async Task Prune_MirrorLeasedByAnotherJob_Skipped()
    {
        var leased = Mirror("a", 4000, Monday);
        var free = Mirror("b", 4000, Monday.AddHours(1));
        var current = Mirror("c", 10, Monday.AddHours(2));
        var cache = Cache(maxCache: 1000);

        using (await cache.AcquireAsync(leased, CancellationToken.None))
        {
            cache.Prune(inUse: current);
        }

        Assert.Multiple(() =>
        {
            Assert.That(Directory.Exists(leased), Is.True);
            Assert.That(Directory.Exists(free), Is.False);
        });
    }

    [Test]
    public void Prune_MirrorLockedByAnotherProcess_Skipped()
    {
        var locked = Mirror("a", 4000, Monday);
        var current = Mirror("c", 10, Monday.AddHours(2));
        using var holder = LockHolder.Start(Path.Combine(_root, "a.lock"));

        Cache(maxCache: 1000).Prune(inUse: current);

        Assert.That(Directory.Exists(locked), Is.True);
        holder.Release();
        Cache(maxCache: 1000).Prune(inUse: current);
        Assert.That(Directory.Exists(locked), Is.False, "once the other process lets go, the mirror is pruned");
    }

    [Test]
    public async Task AcquireAsync_LockedByAnotherProcess_WaitsUntilItIsReleased()
    {
        var mirror = Mirror("a", 10, Monday);
        using var holder = LockHolder.Start(Path.Combine(_root, "a.lock"));

        var acquiring = Cache().AcquireAsync(mirror, CancellationToken.None);
        Assert.That(acquiring.IsCompleted, Is.False, "the lease must wait while another process holds the mirror");

        holder.Release();
        using var lease = await acquiring.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.That(lease, Is.Not.Null);
    }

    /// <summary>
    /// flock(1) holding an exclusive lock on a file in another process until its stdin closes; started only once
    /// it printed that it holds the lock.
    /// </summary>
    private sealed class LockHolder : IDisposable
    {
        private readonly Process _process;

        private LockHolder(Process process) => _process = process;

        public static LockHolder Start(string lockFile)
        {
            var start = new ProcessStartInfo("flock") { RedirectStandardInput = true, RedirectStandardOutput = true, UseShellExecute = false };
            foreach (var arg in new[] { "-x", lockFile, "-c", "echo locked; cat >/dev/null" }) start.ArgumentList.Add(arg);
            var process = Process.Start(start)!;
            Assert.That(process.StandardOutput.ReadLine(), Is.EqualTo("locked"));
            return new LockHolder(process);
        }

        public void Release()
        {
            if (_process.HasExited) return;
            _process.StandardInput.Close();
            _process.WaitForExit();
        }

        public void Dispose()
        {
            if (!_process.HasExited) _process.Kill();
            _process.Dispose();
        }
    }
}
