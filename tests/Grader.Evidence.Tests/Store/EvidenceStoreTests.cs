using System.Data.Common;
using Grader.Evidence.Database;
using Grader.Evidence.Signing;
using Grader.Evidence.Store;
using Grader.Evidence.Tests.Support;

namespace Grader.Evidence.Tests.Store;

[TestFixture(DatabaseDialect.Sqlite)]
[TestFixture(DatabaseDialect.PostgreSql)]
[Category("Database")]
[Category("Integration")]
public sealed class EvidenceStoreTests(DatabaseDialect dialect)
{
    private TestDatabase _db = null!;
    private EvidenceDatabase _evidence = null!;
    private EvidenceSigningKey _key = null!;

    [SetUp]
    public async Task SetUp()
    {
        _db = await TestDatabase.CreateAsync(dialect);
        _evidence = await EvidenceDatabase.OpenAsync(_db.Options, null, CancellationToken.None);
        _key = EvidenceSigningKey.Generate();
    }

    [TearDown]
    public async Task TearDown()
    {
        _key.Dispose();
        await _evidence.DisposeAsync();
        await _db.DisposeAsync();
    }

    [Test]
    public async Task AppendAsync_Record_ReadsBackWithEveryFieldAndAValidSignature()
    {
        var record = Records.Make(points: 72.5);
        await _evidence.Records.AppendAsync(record, _key, CancellationToken.None);

        var rows = await _evidence.Records.QueryAsync(new EvidenceQuery { WithJson = true }, CancellationToken.None).ToListAsync();
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
            Assert.That(row.KeyId, Is.EqualTo(_key.KeyId));
            Assert.That(_key.Verify(CanonicalJson.Of(back), row.Signature), Is.True);
        });
    }

    [Test]
    public async Task AppendAsync_SameCommitTwice_KeepsBothRecords()
    {
        await _evidence.Records.AppendAsync(Records.Make(points: 50, passed: false), _key, CancellationToken.None);
        await _evidence.Records.AppendAsync(Records.Make(points: 90, minutes: 5), _key, CancellationToken.None);

        var rows = await _evidence.Records.QueryAsync(new EvidenceQuery(), CancellationToken.None).ToListAsync();
        Assert.That(rows.Select(r => r.Points), Is.EqualTo(new[] { 50.0, 90.0 }));
    }

    [Test]
    public async Task UpdateOrDelete_StoredRecord_IsRefusedByTheDatabase()
    {
        await _evidence.Records.AppendAsync(Records.Make(), _key, CancellationToken.None);
        await using var connection = await _evidence.Connections.OpenAsync(CancellationToken.None);

        Assert.That(async () => await Sql.ExecuteAsync(connection, null, "UPDATE evidence_records SET points = 100", CancellationToken.None),
            Throws.InstanceOf<DbException>().With.Message.Contains("append-only"));
        Assert.That(async () => await Sql.ExecuteAsync(connection, null, "DELETE FROM evidence_records", CancellationToken.None),
            Throws.InstanceOf<DbException>().With.Message.Contains("append-only"));
        Assert.That(await _evidence.Records.CountAsync(CancellationToken.None), Is.EqualTo(1));
    }

    [Test]
    public async Task QueryAsync_Filters_ReturnOnlyMatchingRecords()
    {
        await _evidence.Records.AppendManyAsync(
        [
            Records.Make(login: "alice", module: "MOD-101", minutes: 0),
            Records.Make(login: "Bob", module: "MOD-101", minutes: 60, githubId: 1002),
            Records.Make(login: "alice", module: "MOD-523", minutes: 120),
        ], _key, CancellationToken.None);

        var module = await _evidence.Records.QueryAsync(new EvidenceQuery { ModuleId = "MOD-101" }, CancellationToken.None).ToListAsync();
        var bob = await _evidence.Records.QueryAsync(new EvidenceQuery { Logins = ["bob"] }, CancellationToken.None).ToListAsync();
        var window = await _evidence.Records.QueryAsync(new EvidenceQuery { Since = Records.T0.AddMinutes(30), Until = Records.T0.AddMinutes(100) }, CancellationToken.None).ToListAsync();
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
        await _evidence.Records.AppendAsync(Records.Make(), _key, CancellationToken.None);
        using var second = EvidenceSigningKey.Generate();
        await _evidence.Records.AppendAsync(Records.Make(login: "bob"), second, CancellationToken.None);

        var keys = await _evidence.Records.PublicKeysAsync(CancellationToken.None);
        Assert.That(keys.Keys, Is.EquivalentTo(new[] { _key.KeyId, second.KeyId }));
        Assert.That(keys[_key.KeyId], Is.EqualTo(_key.PublicKeyPem));
    }
}
