using Grader.Bot.Storage;
using Grader.Evidence.Database;
using Grader.Evidence.Tests.Support;
using Microsoft.Extensions.Time.Testing;

namespace Grader.Bot.Tests.Support;

/// <summary>
/// A fixture on the bot's store, run once per dialect: SQLite (one machine) and PostgreSQL (the fleet, in the
/// Integration category, which needs the server scripts/lib/ensure-postgres.sh starts). NUnit reads the two
/// <see cref="TestFixtureAttribute"/>s below from every derived fixture. Each test gets a fresh database and the store
/// opened on it, on a fake clock that starts at the fixture's own time.
/// </summary>
[TestFixture(DatabaseDialect.Sqlite)]
[TestFixture(DatabaseDialect.PostgreSql, Category = "Integration")]
internal abstract class GraderStoreTestBase(DatabaseDialect dialect, DateTimeOffset start)
{
    protected TestDatabase Database { get; private set; } = null!;

    protected FakeTimeProvider Time { get; private set; } = null!;

    protected GraderStore Store { get; private set; } = null!;

    [SetUp]
    public async Task OpenStoreAsync()
    {
        Database = await TestDatabase.CreateAsync(dialect);
        Time = new FakeTimeProvider(start);
        Store = StoreTestDatabases.Open(Database, Time);
    }

    [TearDown]
    public async Task CloseStoreAsync()
    {
        Store.Dispose();
        await Database.DisposeAsync();
    }
}
