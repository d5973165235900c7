using Grader.Evidence.Database;
using Npgsql;

namespace Grader.Evidence.Tests.Support;

/// <summary>
/// Real databases for the tests: a SQLite file in a temporary folder, or a fresh PostgreSQL database on the server the
/// test command starts (scripts/lib/ensure-postgres.sh), dropped afterwards.
/// </summary>
public sealed class TestDatabase : IAsyncDisposable
{
    public const string DefaultPostgres = "Host=127.0.0.1;Port=5432;Username=grader_test;Password=grader_test;Database=postgres;Timeout=10";

    private readonly string? _postgresName;
    private readonly string? _folder;
    private readonly string _admin;

    private TestDatabase(DatabaseLocation options, string? postgresName, string? folder, string admin)
    {
        Options = options;
        _postgresName = postgresName;
        _folder = folder;
        _admin = admin;
    }

    public DatabaseLocation Options { get; }

    /// <summary>A folder that goes away with the database (keys, exports).</summary>
    public string Folder => _folder ?? throw new InvalidOperationException();

    public static string AdminConnectionString => Environment.GetEnvironmentVariable("GRADER_TEST_POSTGRES") ?? DefaultPostgres;

    /// <param name="server">A PostgreSQL server's admin connection string other than the shared test server's.</param>
    public static async Task<TestDatabase> CreateAsync(DatabaseDialect dialect, string? server = null)
    {
        var folder = Directory.CreateTempSubdirectory("grader-evidence-").FullName;
        var adminConnectionString = server ?? AdminConnectionString;
        if (dialect == DatabaseDialect.Sqlite)
        {
            return new TestDatabase(new DatabaseLocation { SqlitePath = Path.Combine(folder, "evidence.db") }, null, folder, adminConnectionString);
        }
        var name = "evidence_test_" + Guid.NewGuid().ToString("n")[..12];
        await using (var admin = new NpgsqlConnection(adminConnectionString))
        {
            await admin.OpenAsync();
            await using var create = new NpgsqlCommand($"CREATE DATABASE {name}", admin);
            await create.ExecuteNonQueryAsync();
        }
        var builder = new NpgsqlConnectionStringBuilder(adminConnectionString) { Database = name };
        return new TestDatabase(new DatabaseLocation { PostgresConnectionString = builder.ConnectionString }, name, folder, adminConnectionString);
    }

    public async ValueTask DisposeAsync()
    {
        if (_postgresName is not null)
        {
            NpgsqlConnection.ClearAllPools();
            await using var admin = new NpgsqlConnection(_admin);
            await admin.OpenAsync();
            await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS {_postgresName} WITH (FORCE)", admin);
            await drop.ExecuteNonQueryAsync();
        }
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        if (_folder is not null && Directory.Exists(_folder)) Directory.Delete(_folder, true);
    }
}
