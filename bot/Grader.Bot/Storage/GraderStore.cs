using System.Globalization;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;
using Grader.Bot.Configuration;

namespace Grader.Bot.Storage;

/// <summary>
/// The bot's durable state in SQLite, the source of truth: deliveries (dedup and restart), jobs and their
/// states (Hangfire is rebuilt from here on start), the result outbox and installations. Writes are
/// serialised by one lock (SQLite has one writer); WAL lets reads run beside them.
/// </summary>
public sealed partial class GraderStore : IDisposable
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
        MigrateJobs(connection);
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

    private string Now() => _time.GetUtcNow().ToString("O", CultureInfo.InvariantCulture);

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
