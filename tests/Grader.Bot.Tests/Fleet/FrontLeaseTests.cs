using Grader.Bot.Configuration;
using Grader.Bot.Fleet;
using Grader.Bot.Monitoring;
using Grader.Bot.Tests.Support;
using Grader.Bot.Webhooks;
using Grader.Evidence.Database;
using Grader.Evidence.Tests.Support;
using Grader.GitHub.Outbox;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Grader.Bot.Tests.Fleet;

/// <summary>
/// The front lease on a real PostgreSQL database: of the fronts sharing it one is active, a standby takes over when the
/// active one stops or its session dies, and two never hold it at once. Each front checks on its own fake clock, so the
/// test decides which one looks when.
/// </summary>
[Category("Integration")]
internal sealed class FrontLeaseTests
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(5);

    private TestDatabase _database = null!;
    private readonly List<FrontLease> _fronts = [];

    [SetUp]
    public async Task CreateDatabaseAsync() => _database = await TestDatabase.CreateAsync(DatabaseDialect.PostgreSql);

    [TearDown]
    public async Task StopFrontsAsync()
    {
        foreach (var front in _fronts)
        {
            await front.StopAsync(CancellationToken.None);
            front.Dispose();
        }

        await _database.DisposeAsync();
    }

    private readonly Dictionary<FrontLease, GraderMetrics> _metrics = [];

    private async Task<(FrontLease Lease, FakeTimeProvider Clock, OutboxSignal Outbox)> StartFrontAsync(BotOptions? settings = null)
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var options = settings ?? StoreTestDatabases.Options(_database);
        options.FrontLeaseInterval = Interval;
        var outbox = new OutboxSignal(clock);
        var metrics = new GraderMetrics("front-" + _fronts.Count);
        var lease = new FrontLease(Microsoft.Extensions.Options.Options.Create(options), outbox, new DeliverySignal(clock), metrics, clock, NullLogger<FrontLease>.Instance);
        _fronts.Add(lease);
        _metrics[lease] = metrics;
        await lease.StartAsync(CancellationToken.None);
        return (lease, clock, outbox);
    }

    private async Task<long?> LeaseSessionAsync() =>
        await StoreTestDatabases.ScalarAsync(_database,
            "SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND granted AND database = (SELECT oid FROM pg_database WHERE datname = current_database())") switch
        {
            int pid => pid,
            long pid => pid,
            _ => null,
        };

    /// <summary>The front's <c>grader_front_active</c> as /metrics would show it.</summary>
    private async Task<string?> ActiveGaugeAsync(FrontLease front)
    {
        using var text = new MemoryStream();
        await _metrics[front].Registry.CollectAndExportAsTextAsync(text);
        return System.Text.Encoding.UTF8.GetString(text.ToArray()).Split('\n')
            .FirstOrDefault(line => line.StartsWith(GraderMetrics.FrontActive + "{", StringComparison.Ordinal))?.Split(' ')[^1];
    }

    [Test]
    public async Task Start_SecondFrontOnTheSameDatabase_OnlyTheFirstIsActive()
    {
        var (first, _, _) = await StartFrontAsync();
        var (second, _, _) = await StartFrontAsync();

        Assert.Multiple(async () =>
        {
            Assert.That(first.IsHeld, Is.True);
            Assert.That(second.IsHeld, Is.False);
            Assert.That(await ActiveGaugeAsync(first), Is.EqualTo("1"));
            Assert.That(await ActiveGaugeAsync(second), Is.EqualTo("0"), "a standby exports 0 from its start");
            Assert.That(await LeaseSessionAsync(), Is.Not.Null, "the lease is a session lock PostgreSQL shows");
        });
    }

    [Test]
    public async Task Stop_ActiveFront_StandbyTakesOverAtItsNextCheckAndWakesTheRelay()
    {
        var (first, _, _) = await StartFrontAsync();
        var (second, clock, outbox) = await StartFrontAsync();
        var wake = outbox.WaitAsync(TimeSpan.FromDays(1), CancellationToken.None);

        await first.StopAsync(CancellationToken.None);
        var releasedAtStop = !first.IsHeld && await LeaseSessionAsync() is null;
        clock.Advance(Interval);
        await Eventually.ThatAsync(() => Task.FromResult(second.IsHeld), held => held, "the standby took the lease", TimeSpan.FromSeconds(30));

        var firstGauge = await ActiveGaugeAsync(first);
        var secondGauge = await ActiveGaugeAsync(second);

        Assert.Multiple(() =>
        {
            Assert.That(releasedAtStop, Is.True, "stopping releases the lease at once");
            Assert.That((firstGauge, secondGauge), Is.EqualTo(("0", "1")), "grader_front_active of the stopped and the new active front");
            Assert.That(() => wake.WaitAsync(TimeSpan.FromSeconds(30)), Throws.Nothing, "the new active front's relay is woken for what waited");
        });
    }

    [Test]
    public async Task Check_ActiveFrontsSessionKilled_ItStandsByAndTheOtherTakesOver()
    {
        var (first, firstClock, _) = await StartFrontAsync();
        var (second, secondClock, _) = await StartFrontAsync();
        var killed = await LeaseSessionAsync();

        await StoreTestDatabases.ScalarAsync(_database, $"SELECT pg_terminate_backend({killed})");
        firstClock.Advance(Interval);
        await Eventually.ThatAsync(() => Task.FromResult(first.IsHeld), held => !held, "the front noticed its session died", TimeSpan.FromSeconds(30));
        secondClock.Advance(Interval);
        await Eventually.ThatAsync(() => Task.FromResult(second.IsHeld), held => held, "the standby took over", TimeSpan.FromSeconds(30));
        var holder = await LeaseSessionAsync();

        Assert.Multiple(() =>
        {
            Assert.That(first.IsHeld, Is.False, "never two active fronts");
            Assert.That(holder, Is.Not.Null.And.Not.EqualTo(killed));
        });
    }

    [Test]
    public async Task IsHeld_StoreOnSqlite_AlwaysHeldWithoutADatabaseLock()
    {
        var (lease, _, _) = await StartFrontAsync(new BotOptions { DatabasePath = Path.Combine(_database.Folder, "bot.db") });

        Assert.That(lease.IsHeld, Is.True, "one process owns a SQLite store");
    }
}
