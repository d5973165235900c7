using Grader.Evidence.Database;
using Grader.Evidence.Store;
using Grader.Evidence.Tests.Support;
using Microsoft.Extensions.Logging.Abstractions;

namespace Grader.Evidence.Tests.Database;

[TestFixture(DatabaseDialect.Sqlite)]
[TestFixture(DatabaseDialect.PostgreSql)]
[Category("Database")]
[Category("Integration")]
public sealed class SchemaMigratorTests(DatabaseDialect dialect)
{
    private TestDatabase _db = null!;

    [SetUp]
    public async Task SetUp() => _db = await TestDatabase.CreateAsync(dialect);

    [TearDown]
    public async Task TearDown() => await _db.DisposeAsync();

    [Test]
    public async Task MigrateAsync_TwiceAndConcurrently_AppliesEachStepOnce()
    {
        await using var connections = new DatabaseConnectionFactory(_db.Options);
        var set = new MigrationSet("widgets",
        [
            new Migration(1, "create", "CREATE TABLE widgets (id INTEGER PRIMARY KEY, name TEXT NOT NULL)"),
            new Migration(2, "add", "ALTER TABLE widgets ADD COLUMN size INTEGER"),
        ]);
        var migrator = new SchemaMigrator(connections, NullLogger.Instance);

        var versions = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => migrator.MigrateAsync(set, CancellationToken.None)));
        var again = await migrator.MigrateAsync(set, CancellationToken.None);

        await using var connection = await connections.OpenAsync(CancellationToken.None);
        var rows = await Sql.ScalarAsync(connection, null, "SELECT COUNT(*) FROM schema_version WHERE component = 'widgets'", CancellationToken.None);
        Assert.Multiple(() =>
        {
            Assert.That(versions, Is.All.EqualTo(2));
            Assert.That(again, Is.EqualTo(2));
            Assert.That(Convert.ToInt32(rows, System.Globalization.CultureInfo.InvariantCulture), Is.EqualTo(2));
        });
        await Sql.ExecuteAsync(connection, null, "INSERT INTO widgets (id, name, size) VALUES (1, 'a', 3)", CancellationToken.None);
    }

    [Test]
    public async Task OpenAsync_SchemaNewerThanBinary_FailsWithSchemaTooNew()
    {
        await (await EvidenceDatabase.OpenAsync(_db.Options, null, CancellationToken.None)).DisposeAsync();
        await using (var connections = new DatabaseConnectionFactory(_db.Options))
        await using (var connection = await connections.OpenAsync(CancellationToken.None))
        {
            await Sql.ExecuteAsync(connection, null, "INSERT INTO schema_version (component, version, name, applied_at_ms) VALUES ('evidence', 99, 'future', 0)", CancellationToken.None);
        }

        var error = Assert.ThrowsAsync<SchemaTooNewException>(async () => await EvidenceDatabase.OpenAsync(_db.Options, null, CancellationToken.None));
        Assert.That(error!.Message, Does.Contain("version 99").And.Contain("upgrade the grader"));
    }
}

[Category("Database")]
public sealed class DatabaseConnectionFactoryTests
{
    [Test]
    public void OpenAsync_PostgresUnreachable_FailsWithAClearStartupError()
    {
        // A loopback port nothing listens on: connection refused, quickly.
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        var port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        var options = new DatabaseLocation { PostgresConnectionString = $"Host=127.0.0.1;Port={port};Username=u;Password=secret-pw;Database=evidence;Timeout=5" };

        var error = Assert.ThrowsAsync<DatabaseUnavailableException>(async () => await EvidenceDatabase.OpenAsync(options, null, CancellationToken.None));
        Assert.That(error!.Message, Does.StartWith($"PostgreSQL at 127.0.0.1:{port}, database 'evidence' is unreachable").And.Not.Contain("secret-pw"));
    }

    [Test]
    public void Parse_Locations_ChoosesTheDialect()
    {
        Assert.Multiple(() =>
        {
            Assert.That(DatabaseLocation.Parse("data/evidence.db").Dialect, Is.EqualTo(DatabaseDialect.Sqlite));
            var url = DatabaseLocation.Parse("postgres://grader:pw@db.local:5433/evidence");
            Assert.That(url.Dialect, Is.EqualTo(DatabaseDialect.PostgreSql));
            Assert.That(url.PostgresConnectionString, Does.Contain("Host=db.local").And.Contain("Port=5433").And.Contain("Database=evidence"));
            Assert.That(DatabaseLocation.Parse("Host=x;Database=y").Dialect, Is.EqualTo(DatabaseDialect.PostgreSql));
        });
    }
}
