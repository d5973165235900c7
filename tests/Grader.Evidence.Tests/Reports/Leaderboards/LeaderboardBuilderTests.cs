using Grader.Evidence.Database;
using Grader.Evidence.Reports.Leaderboards;
using Grader.Evidence.Rosters;
using Grader.Evidence.Signing;
using Grader.Evidence.Tests.Support;
using static Grader.Evidence.Tests.Reports.Leaderboards.LeaderboardRecords;

namespace Grader.Evidence.Tests.Reports.Leaderboards;

/// <summary>Leaderboards read from a real store: signed records appended, some altered in the database afterwards.</summary>
public sealed class LeaderboardBuilderTests(DatabaseDialect dialect) : EvidenceStoreTestBase(dialect)
{
    private Task<LeaderboardResult> LoadAsync() =>
        LeaderboardBuilder.LoadAsync(EvidenceDb, Module, Key, TimeProvider.System, CancellationToken.None);

    [Test]
    public async Task LoadAsync_SeveralAttemptsPerLearner_RanksEachLearnersBestInSeconds()
    {
        await EvidenceDb.Records.AppendManyAsync(
        [
            Bench("alice", Sha('1'), 0.050, "50.0 ms", 0, 1),
            Bench("alice", Sha('2'), 0.030, "30.0 ms", 10, 1),
            Bench("alice", Sha('3'), 0.045, "45.0 ms", 20, 1),
            Bench("bob", Sha('4'), 0.040, "40.0 ms", 5, 2),
            Bench("carol", Sha('5'), 1.2, "1.20 s", 6, 3),
            Bench("dan", Sha('6'), null, "850 µs", 7, 4),
        ], Key, CancellationToken.None);

        var board = (await LoadAsync()).Board!;

        Assert.That(board.Entries.Select(e => (e.Rank, e.Name, e.HeadSha)), Is.EqualTo(new[]
        {
            (1, "dan", Sha('6')), (2, "alice", Sha('2')), (3, "bob", Sha('4')), (4, "carol", Sha('5')),
        }));
        var alice = board.Entries[1];
        Assert.Multiple(() =>
        {
            Assert.That(board.Unit, Is.EqualTo("s"));
            Assert.That(alice.Value.Value, Is.EqualTo(0.030));
            Assert.That(alice.ValueText, Is.EqualTo("30.0 ms"));
            Assert.That(alice.ShortSha, Is.EqualTo("2222222"));
            Assert.That(alice.Link, Is.EqualTo("https://github.com/course/lab-alice/pull/7"));
            Assert.That(alice.PullRequestNumber, Is.EqualTo(7));
            Assert.That(alice.GradedAt, Is.EqualTo(Records.T0.AddMinutes(11)));
            Assert.That(board.Excluded.Total, Is.Zero);
        });
    }

    [Test]
    public async Task LoadAsync_HigherIsBetter_RanksTheLargestFirstAndTiesByTheEarlierGrading()
    {
        await EvidenceDb.Records.AppendManyAsync(
        [
            Bench("alice", Sha('1'), 420, "420 ops/s", 0, 1, order: "higher_is_better"),
            Bench("bob", Sha('2'), 510, "510 ops/s", 1, 2, order: "higher_is_better"),
            Bench("carol", Sha('3'), 420, "420 ops/s", 2, 3, order: "higher_is_better"),
        ], Key, CancellationToken.None);

        var board = (await LoadAsync()).Board!;

        Assert.That(board.Entries.Select(e => (e.Rank, e.Name)), Is.EqualTo(new[] { (1, "bob"), (2, "alice"), (2, "carol") }));
        Assert.That(board.Unit, Is.EqualTo("ops/s"));
    }

    [Test]
    public async Task LoadAsync_IncompleteOtherKeyAndAlteredRecords_AreLeftOut()
    {
        using var otherKey = EvidenceSigningKey.Generate();
        await EvidenceDb.Records.AppendManyAsync(
        [
            Bench("alice", Sha('1'), 0.030, "30.0 ms", 0, 1),
            // A grader error that happens to carry a better value: never an attempt.
            Bench("alice", Sha('2'), 0.001, "1.00 ms", 1, 1, complete: false),
            Bench("frank", Sha('4'), 0.060, "60.0 ms", 3, 6),
        ], Key, CancellationToken.None);
        // Signed, but not by the store's key.
        await EvidenceDb.Records.AppendAsync(Bench("erin", Sha('3'), 0.002, "2.00 ms", 2, 5), otherKey, CancellationToken.None);
        await AlterAsync("frank", "60.0 ms", "0.10 ms");

        var result = await LoadAsync();

        Assert.That(result.Board!.Entries.Select(e => (e.Name, e.HeadSha)), Is.EqualTo(new[] { ("alice", Sha('1')) }));
        Assert.That(result.Board.Excluded, Is.EqualTo(new LeaderboardExclusions(Unverified: 2, Incomplete: 1, NotMeasured: 0, OtherUnit: 0)));
    }

    [Test]
    public async Task LoadAsync_ModuleWithoutLeaderboard_HasNoneAndSaysWhy()
    {
        await EvidenceDb.Records.AppendManyAsync(
        [
            Bench("alice", Sha('1'), 0.030, "30.0 ms", 0, 1),
            // The newest record decides: the rubric dropped its leaderboard.
            Bench("bob", Sha('2'), 0.020, "20.0 ms", 5, 2, leaderboard: false),
        ], Key, CancellationToken.None);

        var result = await LoadAsync();
        var unknown = await LeaderboardBuilder.LoadAsync(EvidenceDb, "MOD-999", Key, TimeProvider.System, CancellationToken.None);

        Assert.Multiple(() =>
        {
            Assert.That(result.Board, Is.Null);
            Assert.That(result.Reason, Is.EqualTo("Module 'MOD-523' does not publish a leaderboard (its rubric has no 'leaderboard')."));
            Assert.That(unknown.Board, Is.Null);
            Assert.That(unknown.Reason, Does.Contain("no evidence"));
        });
    }

    [Test]
    public async Task LoadAsync_ShowAlias_NamesByTheRosterAliasElseAnonymousAndNeverAHostileOne()
    {
        await EvidenceDb.Roster.ImportAsync(
        [
            new RosterEntry("S1", "Alice A", null, "alice", 1, "c1") { Alias = "Speedy Al" },
            new RosterEntry("S2", "Bob B", null, "bob", 2, "c1"),
            // Written around the importer, which refuses it: still never shown as it is.
            new RosterEntry("S3", "Carol C", null, "carol", 3, "c1") { Alias = "<script>alert(1)</script>" },
        ], CancellationToken.None);
        await EvidenceDb.Records.AppendManyAsync(
        [
            Bench("alice", Sha('1'), 0.030, "30.0 ms", 0, 1, show: "alias"),
            Bench("bob", Sha('2'), 0.040, "40.0 ms", 1, 2, show: "alias"),
            Bench("carol", Sha('3'), 0.050, "50.0 ms", 2, 3, show: "alias"),
        ], Key, CancellationToken.None);

        var board = (await LoadAsync()).Board!;

        Assert.That(board.Entries.Select(e => (e.Name, e.Anonymous)), Is.EqualTo(new[]
        {
            ("Speedy Al", false), (LeaderboardBuilder.Anonymous, true), (LeaderboardBuilder.Anonymous, true),
        }));
        Assert.That(LeaderboardRenderer.Html(board) + LeaderboardRenderer.Markdown(board), Does.Not.Contain("script").And.Not.Contain("alert").And.Not.Contain("Alice A"));
    }

    [Test]
    public async Task LoadAsync_CriterionNotMeasuredOrInAnotherUnit_IsLeftOutAndCounted()
    {
        await EvidenceDb.Records.AppendManyAsync(
        [
            Bench("alice", Sha('1'), 0.030, "30.0 ms", 0, 1),
            Bench("bob", Sha('2'), 0.040, "40.0 ms", 1, 2),
            Bench("carol", Sha('3'), null, "n/a", 2, 3, outcome: "not_met"),
            Bench("dan", Sha('4'), 300, "300 ops/s", 3, 4),
        ], Key, CancellationToken.None);

        var board = (await LoadAsync()).Board!;

        Assert.That(board.Entries.Select(e => e.Name), Is.EqualTo(new[] { "alice", "bob" }));
        Assert.That(board.Excluded, Is.EqualTo(new LeaderboardExclusions(Unverified: 0, Incomplete: 0, NotMeasured: 1, OtherUnit: 1)));
    }

    /// <summary>What someone with write access to the database could do: lift the append-only trigger and edit a record's JSON.</summary>
    private async Task AlterAsync(string login, string from, string to)
    {
        await using var connection = await EvidenceDb.Connections.OpenAsync(CancellationToken.None);
        var drop = Dialect == DatabaseDialect.Sqlite
            ? "DROP TRIGGER evidence_records_no_update"
            : "DROP TRIGGER evidence_records_no_change ON evidence_records";
        await Sql.ExecuteAsync(connection, null, drop, CancellationToken.None);
        var changed = await Sql.ExecuteAsync(connection, null,
            "UPDATE evidence_records SET record_json = REPLACE(record_json, @from, @to) WHERE learner_login = @login", CancellationToken.None,
            ("from", from), ("to", to), ("login", login));
        Assert.That(changed, Is.EqualTo(1));
    }
}
