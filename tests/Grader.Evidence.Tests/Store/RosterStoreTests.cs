using Grader.Evidence.Database;
using Grader.Evidence.Rosters;
using Grader.Evidence.Store;
using Grader.Evidence.Tests.Support;
using Grader.Rubrics.Model;

namespace Grader.Evidence.Tests.Store;

[TestFixture(DatabaseDialect.Sqlite)]
[TestFixture(DatabaseDialect.PostgreSql)]
[Category("Database")]
[Category("Integration")]
public sealed class RosterStoreTests(DatabaseDialect dialect)
{
    [Test]
    public async Task ImportAsync_NewerRosterMovesALogin_ReplacesTheRowsInvolved()
    {
        await using var db = await TestDatabase.CreateAsync(dialect);
        await using var evidence = await EvidenceDatabase.OpenAsync(db.Options, null, CancellationToken.None);
        await evidence.Roster.ImportAsync(
        [
            new RosterEntry("S1", "Ann", null, "ann", 1, "a"),
            new RosterEntry("S2", "Ben", null, "ben", 2, "a"),
        ], CancellationToken.None);

        // S3 now holds the login "ANN" (another case) and S2 changed cohort.
        await evidence.Roster.ImportAsync(
        [
            new RosterEntry("S3", "Ann B", "annb@x.test", "ANN", 1, "b"),
            new RosterEntry("S2", "Ben", null, "ben", 2, "b"),
        ], CancellationToken.None);

        var rows = await evidence.Roster.ListAsync(CancellationToken.None);
        Assert.That(rows, Is.EqualTo(new[]
        {
            new RosterEntry("S2", "Ben", null, "ben", 2, "b"),
            new RosterEntry("S3", "Ann B", "annb@x.test", "ANN", 1, "b"),
        }));
    }

    [Test]
    public async Task ImportAsync_EntryWithAlias_ListsItBack()
    {
        await using var db = await TestDatabase.CreateAsync(dialect);
        await using var evidence = await EvidenceDatabase.OpenAsync(db.Options, null, CancellationToken.None);
        await evidence.Roster.ImportAsync([new RosterEntry("S1", "Ann", null, "ann", 1, "a") { Alias = "Speedy Ann" }], CancellationToken.None);

        var rows = await evidence.Roster.ListAsync(CancellationToken.None);

        Assert.That(rows.Single().Alias, Is.EqualTo("Speedy Ann"));
    }

    [Test]
    public async Task ExtensionForAsync_RosterWithExtensions_ModulesOwnEntryElseEveryModuleByLoginInAnyCase()
    {
        await using var db = await TestDatabase.CreateAsync(dialect);
        await using var evidence = await EvidenceDatabase.OpenAsync(db.Options, null, CancellationToken.None);
        Assert.That(ModuleExtensions.TryParse("MOD-101=2d; *=1d", out var extensions, out _), Is.True);
        await evidence.Roster.ImportAsync(
        [
            new RosterEntry("S1", "Ann", null, "Ann", 1, "a") { Extensions = extensions },
            new RosterEntry("S2", "Ben", null, "ben", 2, "a"),
        ], CancellationToken.None);

        var listed = (await evidence.Roster.ListAsync(CancellationToken.None))[0].Extensions;
        var own = await evidence.Roster.ExtensionForAsync("ANN", "mod-101", CancellationToken.None);
        var every = await evidence.Roster.ExtensionForAsync("ann", "MOD-523", CancellationToken.None);
        var none = await evidence.Roster.ExtensionForAsync("ben", "MOD-101", CancellationToken.None);
        var unknown = await evidence.Roster.ExtensionForAsync("nobody", "MOD-101", CancellationToken.None);

        Assert.Multiple(() =>
        {
            Assert.That(listed, Is.EqualTo(extensions));
            Assert.That(own, Is.EqualTo(DeadlineExtension.Of(TimeSpan.FromDays(2))));
            Assert.That(every, Is.EqualTo(DeadlineExtension.Of(TimeSpan.FromDays(1))));
            Assert.That(none, Is.Null);
            Assert.That(unknown, Is.Null);
        });
    }
}
