using Grader.Evidence.Database;
using Grader.Evidence.Rosters;
using Grader.Evidence.Tests.Support;
using Grader.Rubrics.Model;

namespace Grader.Evidence.Tests.Store;

public sealed class RosterStoreTests(DatabaseDialect dialect) : EvidenceStoreTestBase(dialect)
{
    [Test]
    public async Task ImportAsync_NewerRosterMovesALogin_ReplacesTheRowsInvolved()
    {
        await EvidenceDb.Roster.ImportAsync(
        [
            new RosterEntry("S1", "Ann", null, "ann", 1, "a"),
            new RosterEntry("S2", "Ben", null, "ben", 2, "a"),
        ], CancellationToken.None);

        // S3 now holds the login "ANN" (another case) and S2 changed cohort.
        await EvidenceDb.Roster.ImportAsync(
        [
            new RosterEntry("S3", "Ann B", "annb@x.test", "ANN", 1, "b"),
            new RosterEntry("S2", "Ben", null, "ben", 2, "b"),
        ], CancellationToken.None);

        var rows = await EvidenceDb.Roster.ListAsync(CancellationToken.None);
        Assert.That(rows, Is.EqualTo(new[]
        {
            new RosterEntry("S2", "Ben", null, "ben", 2, "b"),
            new RosterEntry("S3", "Ann B", "annb@x.test", "ANN", 1, "b"),
        }));
    }

    [Test]
    public async Task ImportAsync_EntryWithAlias_ListsItBack()
    {
        await EvidenceDb.Roster.ImportAsync([new RosterEntry("S1", "Ann", null, "ann", 1, "a") { Alias = "Speedy Ann" }], CancellationToken.None);

        var rows = await EvidenceDb.Roster.ListAsync(CancellationToken.None);

        Assert.That(rows.Single().Alias, Is.EqualTo("Speedy Ann"));
    }

    [Test]
    public async Task ExtensionForAsync_RosterWithExtensions_ModulesOwnEntryElseEveryModuleByLoginInAnyCase()
    {
        Assert.That(ModuleExtensions.TryParse("MOD-101=2d; *=1d", out var extensions, out _), Is.True);
        await EvidenceDb.Roster.ImportAsync(
        [
            new RosterEntry("S1", "Ann", null, "Ann", 1, "a") { Extensions = extensions },
            new RosterEntry("S2", "Ben", null, "ben", 2, "a"),
        ], CancellationToken.None);

        var listed = (await EvidenceDb.Roster.ListAsync(CancellationToken.None))[0].Extensions;
        var own = await EvidenceDb.Roster.ExtensionForAsync("ANN", "mod-101", CancellationToken.None);
        var every = await EvidenceDb.Roster.ExtensionForAsync("ann", "MOD-523", CancellationToken.None);
        var none = await EvidenceDb.Roster.ExtensionForAsync("ben", "MOD-101", CancellationToken.None);
        var unknown = await EvidenceDb.Roster.ExtensionForAsync("nobody", "MOD-101", CancellationToken.None);

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
