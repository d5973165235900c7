namespace Grader.Evidence.Database;

/// <summary>Which SQL database a store lives in.</summary>
public enum DatabaseDialect
{
    Sqlite,
    PostgreSql,
}

/// <summary>
/// Where a store keeps its data: a SQLite file by default (nothing to install), PostgreSQL when a connection string
/// is given. Shared by every store built on <see cref="DatabaseConnectionFactory"/>. Not a configuration section: it is
/// parsed from a store location (<see cref="Recording.EvidenceOptions.Store"/>, <c>--store</c>).
/// </summary>
public sealed class DatabaseLocation
{
    /// <summary>The SQLite database file, used when <see cref="PostgresConnectionString"/> is empty.</summary>
    public string SqlitePath { get; set; } = "grader-evidence.db";

    /// <summary>A PostgreSQL connection string (Npgsql syntax); when set, PostgreSQL is used instead of SQLite.</summary>
    public string? PostgresConnectionString { get; set; }

    /// <summary>
    /// SQLite <c>synchronous</c> in WAL mode: FULL (true) fsyncs every commit; NORMAL (false) survives a killed process
    /// and fsyncs at checkpoints.
    /// </summary>
    public bool SqliteFullSync { get; set; } = true;

    public DatabaseDialect Dialect => string.IsNullOrWhiteSpace(PostgresConnectionString) ? DatabaseDialect.Sqlite : DatabaseDialect.PostgreSql;

    /// <summary>
    /// A store location as one string, as given on a command line: a <c>postgres://</c>/<c>postgresql://</c> URL or a
    /// <c>Host=...</c> connection string means PostgreSQL, anything else is a SQLite file path.
    /// </summary>
    public static DatabaseLocation Parse(string location)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(location);
        var trimmed = location.Trim();
        if (trimmed.StartsWith("postgres://", StringComparison.OrdinalIgnoreCase) || trimmed.StartsWith("postgresql://", StringComparison.OrdinalIgnoreCase))
        {
            return new DatabaseLocation { PostgresConnectionString = PostgresUrl.ToConnectionString(new Uri(trimmed)) };
        }
        if (trimmed.Contains("Host=", StringComparison.OrdinalIgnoreCase) && trimmed.Contains(';', StringComparison.Ordinal))
        {
            return new DatabaseLocation { PostgresConnectionString = trimmed };
        }
        return new DatabaseLocation { SqlitePath = trimmed };
    }
}
