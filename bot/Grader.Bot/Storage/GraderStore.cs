using System.Data.Common;
using System.Globalization;
using Grader.Bot.Configuration;
using Grader.Evidence.Database;
using Grader.GitHub.Outbox;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Grader.Bot.Storage;

/// <summary>
/// The bot's durable state, the source of truth: deliveries (dedup and restart), jobs and their states (Hangfire is
/// rebuilt from here on start), the publication outbox (<see cref="IPublishOutbox"/>, drained by Grader.GitHub's
/// relay), installations and the runner fleet. A SQLite file by default (one machine); PostgreSQL when
/// <c>bot.postgres</c> is set, shared by the bot and every runner. Both through Grader.Evidence's data-access layer with
/// versioned migrations (<c>Migrations/{sqlite,postgres}</c>): an unreachable database or a schema newer than this
/// binary stops the start here. SQLite writes are serialised by one lock (one writer; WAL lets reads run beside them);
/// PostgreSQL's are not: every write is one transaction whose conditional updates decide races between processes.
/// </summary>
public sealed partial class GraderStore : IPublishOutbox, IDisposable
{
    public const string Component = "bot";

    private readonly DatabaseConnectionFactory _connections;
    private readonly SemaphoreSlim? _writeLock;
    private readonly TimeProvider _time;

    /// <exception cref="DatabaseUnavailableException">The database cannot be reached or opened.</exception>
    /// <exception cref="SchemaTooNewException">The database was written by a newer grader.</exception>
    public GraderStore(IOptions<BotOptions> options, TimeProvider time, ILogger<GraderStore>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        _time = time;
        _connections = new DatabaseConnectionFactory(options.Value.StoreLocation());
        _writeLock = _connections.Dialect == DatabaseDialect.Sqlite ? new SemaphoreSlim(1, 1) : null;
        try
        {
            // Constructed once, at start, by the host: the migration runs before anything reads or writes.
            MigrateAsync(logger ?? (ILogger)NullLogger.Instance).GetAwaiter().GetResult();
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    public DatabaseDialect Dialect => _connections.Dialect;

    /// <summary>Where the store lives, for messages (no credentials).</summary>
    public string Location => _connections.Location;

    private async Task MigrateAsync(ILogger logger)
    {
        if (Dialect == DatabaseDialect.Sqlite)
        {
            await UpgradeUnversionedSqliteAsync().ConfigureAwait(false);
        }

        var migrations = MigrationSet.FromResources(Component, typeof(GraderStore).Assembly, "Grader.Bot.Storage.Migrations", Dialect);
        await new SchemaMigrator(_connections, logger).MigrateAsync(migrations, CancellationToken.None).ConfigureAwait(false);
    }

    /// <summary>
    /// Columns added before the schema was versioned, added to such a database before its first versioned step (SQLite
    /// has no ADD COLUMN IF NOT EXISTS); the rows written before stay readable with the defaults.
    /// </summary>
    private static readonly (string Table, string Name, string Definition)[] UnversionedColumns =
    [
        ("jobs", "worker_deaths", "INTEGER NOT NULL DEFAULT 0"),
        ("jobs", "post_review", "INTEGER NOT NULL DEFAULT 1"),
        ("jobs", "runs", "INTEGER NOT NULL DEFAULT 1"),
        ("outbox", "dedup_key", "TEXT NULL"),
        ("outbox", "enqueued_at", "TEXT NULL"),
        ("outbox", "gave_up_at", "TEXT NULL"),
    ];

    private async Task UpgradeUnversionedSqliteAsync()
    {
        await using var connection = await _connections.OpenAsync(CancellationToken.None).ConfigureAwait(false);
        var sqlite = (SqliteConnection)connection;
        // Immediate: a second process opening the same file at once waits, then finds the columns there.
        await using var transaction = sqlite.BeginTransaction(deferred: false);
        if (await Sql.ScalarAsync(connection, transaction, "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_version'", CancellationToken.None).ConfigureAwait(false) is not null)
        {
            return;
        }

        var upgraded = false;
        foreach (var table in UnversionedColumns.Select(c => c.Table).Distinct())
        {
            var existing = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
            await using (var columns = Sql.Command(connection, transaction, $"SELECT name FROM pragma_table_info('{table}')"))
            await using (var reader = await columns.ExecuteReaderAsync().ConfigureAwait(false))
            {
                while (await reader.ReadAsync().ConfigureAwait(false)) existing.Add(reader.GetString(0));
            }

            if (existing.Count == 0) continue;
            foreach (var (_, name, definition) in UnversionedColumns.Where(c => c.Table == table && !existing.Contains(c.Name)))
            {
                await Sql.ExecuteAsync(connection, transaction, $"ALTER TABLE {table} ADD COLUMN {name} {definition}", CancellationToken.None).ConfigureAwait(false);
                upgraded = true;
            }
        }

        if (upgraded)
        {
            // Entries written before enqueued_at existed count their age from the upgrade.
            await Sql.ExecuteAsync(connection, transaction, "UPDATE outbox SET enqueued_at = @now WHERE enqueued_at IS NULL", CancellationToken.None, ("now", Now())).ConfigureAwait(false);
        }
        await transaction.CommitAsync().ConfigureAwait(false);
    }

    private Task<DbConnection> OpenAsync(CancellationToken cancellationToken) => _connections.OpenAsync(cancellationToken);

    private string Now() => Stamp(_time.GetUtcNow());

    /// <summary>Times are stored as UTC round-trip text, so comparing the text compares the times.</summary>
    private static string Stamp(DateTimeOffset time) => time.ToUniversalTime().ToString("O", CultureInfo.InvariantCulture);

    private async Task<T> WriteAsync<T>(Func<DbConnection, DbTransaction, Task<T>> work, CancellationToken cancellationToken)
    {
        if (_writeLock is not null) await _writeLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            var result = await work(connection, transaction).ConfigureAwait(false);
            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            return result;
        }
        finally
        {
            _writeLock?.Release();
        }
    }

    /// <summary>
    /// One write statement, atomic by itself: run without an explicit transaction (PostgreSQL commits it in the same round
    /// trip), still serialised with the other writes where SQLite needs that.
    /// </summary>
    private async Task<int> WriteStatementAsync(string sql, CancellationToken cancellationToken, params (string Name, object? Value)[] parameters)
    {
        if (_writeLock is not null) await _writeLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
            await using var command = Command(connection, null, sql, parameters);
            return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _writeLock?.Release();
        }
    }

    /// <summary>A command with <c>@name</c> parameters, which SQLite and PostgreSQL both take.</summary>
    private static DbCommand Command(DbConnection connection, DbTransaction? transaction, string sql, params (string Name, object? Value)[] parameters) =>
        Sql.Command(connection, transaction, sql, parameters);

    public void Dispose()
    {
        _writeLock?.Dispose();
        _connections.DisposeAsync().AsTask().GetAwaiter().GetResult();
    }
}
