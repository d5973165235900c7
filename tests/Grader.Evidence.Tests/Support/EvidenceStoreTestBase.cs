using Grader.Evidence.Database;
using Grader.Evidence.Signing;
using Grader.Evidence.Store;

namespace Grader.Evidence.Tests.Support;

/// <summary>
/// A fixture on the evidence store, run once per dialect (SQLite, and PostgreSQL from scripts/lib/ensure-postgres.sh):
/// each test gets a fresh database, the store opened on it and a new signing key. NUnit reads the fixture and category
/// attributes below from every derived fixture.
/// </summary>
[TestFixture(DatabaseDialect.Sqlite)]
[TestFixture(DatabaseDialect.PostgreSql)]
[Category("Database")]
[Category("Integration")]
public abstract class EvidenceStoreTestBase(DatabaseDialect dialect)
{
    protected DatabaseDialect Dialect => dialect;

    protected TestDatabase Db { get; private set; } = null!;

    protected EvidenceDatabase EvidenceDb { get; private set; } = null!;

    protected EvidenceSigningKey Key { get; private set; } = null!;

    [SetUp]
    public async Task OpenStoreAsync()
    {
        Db = await TestDatabase.CreateAsync(dialect);
        EvidenceDb = await EvidenceDatabase.OpenAsync(Db.Options, null, CancellationToken.None);
        Key = EvidenceSigningKey.Generate();
    }

    [TearDown]
    public async Task CloseStoreAsync()
    {
        Key.Dispose();
        await EvidenceDb.DisposeAsync();
        await Db.DisposeAsync();
    }
}
