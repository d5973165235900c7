using System.Data.Common;
using Grader.Evidence.Database;
using Grader.Evidence.Signing;
using Grader.Evidence.Store;
using Grader.Evidence.Tests.Support;

namespace Grader.Evidence.Tests.Store;

public sealed class EvidenceStoreTests(DatabaseDialect dialect) : EvidenceStoreTestBase(dialect)
{
    [Test]
    public async Task AppendAsync_Record_ReadsBackWithEveryFieldAndAValidSignature()
    {
        var record = Records.Make(points: 72.5);
        await EvidenceDb.Records.AppendAsync(record, Key, CancellationToken.None);

        var rows = await EvidenceDb.Records.QueryAsync(new EvidenceQuery { WithJson = true }, CancellationToken.None).ToListAsync();
        Assert.That(rows, Has.Count.EqualTo(1));
        var row = rows[0];
        var back = row.Record();
        Assert.Multiple(() =>
        {
            Assert.That(back.RecordId, Is.EqualTo(record.RecordId));
            Assert.That(back.Learner, Is.EqualTo(record.Learner));
            Assert.That(back.Submission, Is.EqualTo(record.Submission));
            Assert.That(back.Criteria, Is.EqualTo(record.Criteria));
            Assert.That(back.Competencies.Select(c => (c.Id, c.Level)), Is.EqualTo(record.Competencies.Select(c => (c.Id, c.Level))));
            Assert.That(back.Runner, Is.EqualTo(record.Runner));
            Assert.That(back.GradedAt, Is.EqualTo(record.GradedAt));
            Assert.That(row.Points, Is.EqualTo(72.5));
            Assert.That(row.Passed, Is.True);
            Assert.That(row.Complete, Is.True);
            Assert.That(row.GradedAt, Is.EqualTo(record.GradedAt));
            Assert.That(row.Competencies, Is.EqualTo("containers:Proficient"));
            Assert.That(row.KeyId, Is.EqualTo(Key.KeyId));
            Assert.That(Key.Verify(CanonicalJson.Of(back), row.Signature), Is.True);
        });
    }

    [Test]
    public async Task AppendAsync_SameCommitTwice_KeepsBothRecords()
    {
        await EvidenceDb.Records.AppendAsync(Records.Make(points: 50, passed: false), Key, CancellationToken.None);
        await EvidenceDb.Records.AppendAsync(Records.Make(points: 90, minutes: 5), Key, CancellationToken.None);

        var rows = await EvidenceDb.Records.QueryAsync(new EvidenceQuery(), CancellationToken.None).ToListAsync();
        Assert.That(rows.Select(r => r.Points), Is.EqualTo(new[] { 50.0, 90.0 }));
    }

    [Test]
    public async Task UpdateOrDelete_StoredRecord_IsRefusedByTheDatabase()
    {
        await EvidenceDb.Records.AppendAsync(Records.Make(), Key, CancellationToken.None);
        await using var connection = await EvidenceDb.Connections.OpenAsync(CancellationToken.None);

        Assert.That(async () => await Sql.ExecuteAsync(connection, null, "UPDATE evidence_records SET points = 100", CancellationToken.None),
            Throws.InstanceOf<DbException>().With.Message.Contains("append-only"));
        Assert.That(async () => await Sql.ExecuteAsync(connection, null, "DELETE FROM evidence_records", CancellationToken.None),
            Throws.InstanceOf<DbException>().With.Message.Contains("append-only"));
        Assert.That(await EvidenceDb.Records.CountAsync(CancellationToken.None), Is.EqualTo(1));
    }

    [Test]
    public async Task QueryAsync_Filters_ReturnOnlyMatchingRecords()
    {
        await EvidenceDb.Records.AppendManyAsync(
        [
            Records.Make(login: "alice", module: "MOD-101", minutes: 0),
            Records.Make(login: "Bob", module: "MOD-101", minutes: 60, githubId: 1002),
            Records.Make(login: "alice", module: "MOD-523", minutes: 120),
        ], Key, CancellationToken.None);

        var module = await EvidenceDb.Records.QueryAsync(new EvidenceQuery { ModuleId = "MOD-101" }, CancellationToken.None).ToListAsync();
        var bob = await EvidenceDb.Records.QueryAsync(new EvidenceQuery { Logins = ["bob"] }, CancellationToken.None).ToListAsync();
        var window = await EvidenceDb.Records.QueryAsync(new EvidenceQuery { Since = Records.T0.AddMinutes(30), Until = Records.T0.AddMinutes(100) }, CancellationToken.None).ToListAsync();
        Assert.Multiple(() =>
        {
            Assert.That(module.Select(r => r.LearnerLogin), Is.EqualTo(new[] { "alice", "Bob" }));
            Assert.That(bob.Select(r => r.LearnerLogin), Is.EqualTo(new[] { "Bob" }));
            Assert.That(window.Select(r => r.LearnerLogin), Is.EqualTo(new[] { "Bob" }));
        });
    }

    [Test]
    public async Task PublicKeysAsync_AfterAppend_HoldsTheSigningKey()
    {
        await EvidenceDb.Records.AppendAsync(Records.Make(), Key, CancellationToken.None);
        using var second = EvidenceSigningKey.Generate();
        await EvidenceDb.Records.AppendAsync(Records.Make(login: "bob"), second, CancellationToken.None);

        var keys = await EvidenceDb.Records.PublicKeysAsync(CancellationToken.None);
        Assert.That(keys.Keys, Is.EquivalentTo(new[] { Key.KeyId, second.KeyId }));
        Assert.That(keys[Key.KeyId], Is.EqualTo(Key.PublicKeyPem));
    }
}
