using System.Data.Common;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace Grader.Evidence.Database;

/// <summary>
/// Opens connections to a store's database, SQLite or PostgreSQL, ready to use: SQLite in WAL mode with a busy
/// timeout and foreign keys on; PostgreSQL through one pooled data source. A database that cannot be reached is a
/// <see cref="DatabaseUnavailableException"/> naming where it was looked for (never the password).
/// </summary>
public sealed class DatabaseConnectionFactory : IAsyncDisposable
{
    private readonly DatabaseLocation _options;
    private readonly NpgsqlDataSource? _postgres;
    private readonly string? _sqlite;

    public DatabaseConnectionFactory(DatabaseLocation options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options;
        Dialect = options.Dialect;
        if (Dialect == DatabaseDialect.PostgreSql)
        {
            NpgsqlConnectionStringBuilder builder;
            try
            {
                builder = new NpgsqlConnectionStringBuilder(options.PostgresConnectionString);
            }
            catch (ArgumentException e)
            {
                throw new DatabaseUnavailableException($"The PostgreSQL connection string is malformed: {e.Message}", e);
            }
            Location = $"PostgreSQL at {builder.Host}:{builder.Port}, database '{builder.Database}'";
            // The stores keep no session state (no SET, LISTEN, session locks or prepared statements; their locks are
            // per transaction), so a pooled connection needs no DISCARD ALL on reuse: it cost every open a statement.
            builder.NoResetOnClose = true;
            _postgres = NpgsqlDataSource.Create(builder);
        }
        else
        {
            var path = Path.GetFullPath(options.SqlitePath);
            Location = $"SQLite file {path}";
            _sqlite = new SqliteConnectionStringBuilder { DataSource = path, Pooling = true }.ToString();
        }
    }

    public DatabaseDialect Dialect { get; }

    /// <summary>Where the data lives, for messages (no credentials).</summary>
    public string Location { get; }

    public async Task<DbConnection> OpenAsync(CancellationToken cancellationToken)
    {
        if (_postgres is not null)
        {
            try
            {
                return await _postgres.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is NpgsqlException or TimeoutException or System.Net.Sockets.SocketException)
            {
                throw new DatabaseUnavailableException($"{Location} is unreachable: {e.Message}", e);
            }
        }

        var directory = Path.GetDirectoryName(Path.GetFullPath(_options.SqlitePath));
        if (directory is not null) Directory.CreateDirectory(directory);
        var connection = new SqliteConnection(_sqlite);
        try
        {
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            await using var pragma = connection.CreateCommand();
            // WAL lets readers (reports) run beside the writer (the bot recording a grading).
            pragma.CommandText = $"PRAGMA journal_mode=WAL; PRAGMA busy_timeout=10000; PRAGMA foreign_keys=ON; PRAGMA synchronous={(_options.SqliteFullSync ? "FULL" : "NORMAL")};";
            await pragma.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            return connection;
        }
        catch (SqliteException e)
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw new DatabaseUnavailableException($"{Location} cannot be opened: {e.Message}", e);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_postgres is not null) await _postgres.DisposeAsync().ConfigureAwait(false);
    }
}
