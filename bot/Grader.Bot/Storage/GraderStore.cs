using System.Globalization;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;
using Grader.Bot.Configuration;
using Grader.GitHub.Outbox;

namespace Grader.Bot.Storage;

/// <summary>
/// The bot's durable state in SQLite, the source of truth: deliveries (dedup and restart), jobs and their
/// states (Hangfire is rebuilt from here on start), the publication outbox (<see cref="IPublishOutbox"/>, drained by
/// Grader.GitHub's relay) and installations. Writes are serialised by one lock (SQLite has one writer); WAL lets reads
/// run beside them.
/// </summary>
public sealed partial class GraderStore : IPublishOutbox, IDisposable
{
    private readonly string _connectionString;
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private readonly TimeProvider _time;
    private readonly string _synchronous;

    public GraderStore(IOptions<BotOptions> options, TimeProvider time)
    {
        _time = time;
        _synchronous = options.Value.SqliteFullSync ? "FULL" : "NORMAL";
        var path = Path.GetFullPath(options.Value.DatabasePath);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = path,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = true,
            DefaultTimeout = 30,
        }.ToString();
        InitializeSchema();
    }

    private void InitializeSchema()
    {
        using var connection = Open();
        using var command = connection.CreateCommand();
        command.CommandText = """
            PRAGMA journal_mode = WAL;
            CREATE TABLE IF NOT EXISTS deliveries (
              seq INTEGER PRIMARY KEY AUTOINCREMENT,
              delivery_id TEXT NOT NULL UNIQUE,
              event TEXT NOT NULL,
              action TEXT NULL,
              payload TEXT NOT NULL,
              state TEXT NOT NULL,
              note TEXT NULL,
              received_at TEXT NOT NULL);
            CREATE INDEX IF NOT EXISTS deliveries_state ON deliveries(state, seq);
            CREATE TABLE IF NOT EXISTS jobs (
              job_key TEXT PRIMARY KEY,
              installation_id INTEGER NOT NULL,
              repository TEXT NOT NULL,
              pr_number INTEGER NOT NULL,
              head_sha TEXT NOT NULL,
              rubric_name TEXT NOT NULL,
              rubric_path TEXT NOT NULL,
              hidden_tests_path TEXT NULL,
              queue TEXT NOT NULL,
              state TEXT NOT NULL,
              attempts INTEGER NOT NULL DEFAULT 0,
              hangfire_id TEXT NULL,
              check_run_id INTEGER NULL,
              error TEXT NULL,
              created_at TEXT NOT NULL,
              updated_at TEXT NOT NULL);
            CREATE INDEX IF NOT EXISTS jobs_pr ON jobs(repository, pr_number, state);
            CREATE TABLE IF NOT EXISTS outbox (
              id INTEGER PRIMARY KEY AUTOINCREMENT,
              job_key TEXT NOT NULL,
              kind TEXT NOT NULL,
              payload TEXT NOT NULL,
              attempts INTEGER NOT NULL DEFAULT 0,
              next_attempt_at TEXT NOT NULL,
              published_at TEXT NULL,
              last_error TEXT NULL);
            CREATE INDEX IF NOT EXISTS outbox_due ON outbox(published_at, next_attempt_at);
            CREATE TABLE IF NOT EXISTS reviews (
              repository TEXT NOT NULL,
              head_sha TEXT NOT NULL,
              pr_number INTEGER NOT NULL,
              review_id INTEGER NOT NULL,
              PRIMARY KEY (repository, head_sha));
            CREATE TABLE IF NOT EXISTS installation_repositories (
              installation_id INTEGER NOT NULL,
              repository TEXT NOT NULL,
              PRIMARY KEY (installation_id, repository));
            """;
        command.ExecuteNonQuery();

        // Immediate: a second process opening the same file at once waits, then finds the columns there.
        using var migration = connection.BeginTransaction(deferred: false);
        AddMissingColumns(connection, migration);
        using var outbox = connection.CreateCommand();
        outbox.Transaction = migration;
        outbox.CommandText = """
            CREATE UNIQUE INDEX IF NOT EXISTS outbox_key ON outbox(dedup_key);
            UPDATE outbox SET enqueued_at = $now WHERE enqueued_at IS NULL;
            """;
        // Entries written before enqueued_at existed count their age from the upgrade.
        outbox.Parameters.AddWithValue("$now", Now());
        outbox.ExecuteNonQuery();
        migration.Commit();
    }

    /// <summary>
    /// Columns added after the first release, added to an older database on start (SQLite has no ADD COLUMN IF NOT
    /// EXISTS); the rows written before stay readable with the defaults.
    /// </summary>
    private static readonly (string Table, string Name, string Definition)[] AddedColumns =
    [
        ("jobs", "worker_deaths", "INTEGER NOT NULL DEFAULT 0"),
        ("jobs", "post_review", "INTEGER NOT NULL DEFAULT 1"),
        ("jobs", "runs", "INTEGER NOT NULL DEFAULT 1"),
        ("outbox", "dedup_key", "TEXT NULL"),
        ("outbox", "enqueued_at", "TEXT NULL"),
        ("outbox", "gave_up_at", "TEXT NULL"),
    ];

    private static void AddMissingColumns(SqliteConnection connection, SqliteTransaction transaction)
    {
        foreach (var table in AddedColumns.Select(c => c.Table).Distinct())
        {
            var existing = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
            using (var columns = connection.CreateCommand())
            {
                columns.Transaction = transaction;
                columns.CommandText = $"SELECT name FROM pragma_table_info('{table}')";
                using var reader = columns.ExecuteReader();
                while (reader.Read())
                {
                    existing.Add(reader.GetString(0));
                }
            }

            foreach (var (_, name, definition) in AddedColumns.Where(c => c.Table == table && !existing.Contains(c.Name)))
            {
                using var alter = connection.CreateCommand();
                alter.Transaction = transaction;
                alter.CommandText = $"ALTER TABLE {table} ADD COLUMN {name} {definition}";
                alter.ExecuteNonQuery();
            }
        }
    }

    private SqliteConnection Open()
    {
        var connection = new SqliteConnection(_connectionString);
        connection.Open();
        // Per connection: WAL commits are durable against a killed process; FULL adds an fsync per commit.
        using var pragma = connection.CreateCommand();
        pragma.CommandText = "PRAGMA synchronous = " + _synchronous;
        pragma.ExecuteNonQuery();
        return connection;
    }

    private string Now() => Stamp(_time.GetUtcNow());

    /// <summary>Times are stored as UTC round-trip text, so comparing the text compares the times.</summary>
    private static string Stamp(DateTimeOffset time) => time.ToUniversalTime().ToString("O", CultureInfo.InvariantCulture);

    private async Task<T> WriteAsync<T>(Func<SqliteConnection, SqliteTransaction, Task<T>> work, CancellationToken cancellationToken)
    {
        await _writeLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await using var connection = Open();
            await using var transaction = connection.BeginTransaction();
            var result = await work(connection, transaction).ConfigureAwait(false);
            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            return result;
        }
        finally
        {
            _writeLock.Release();
        }
    }

    private static SqliteCommand Command(SqliteConnection connection, SqliteTransaction? transaction, string sql, params (string Name, object? Value)[] parameters)
    {
        var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value ?? DBNull.Value);
        }

        return command;
    }

    public void Dispose() => _writeLock.Dispose();
}
