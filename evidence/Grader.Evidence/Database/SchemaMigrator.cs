using System.Data.Common;
using System.Globalization;
using Microsoft.Extensions.Logging;

namespace Grader.Evidence.Database;

/// <summary>
/// Brings a component's schema up to date on start: a <c>schema_version</c> table records each applied step per
/// component, pending steps run in one transaction (SQLite: an immediate transaction; PostgreSQL: under an advisory
/// lock, so two processes starting together apply each step once). A database already at a newer version than this
/// binary knows is refused with <see cref="SchemaTooNewException"/>.
/// </summary>
public sealed partial class SchemaMigrator(DatabaseConnectionFactory connections, ILogger logger)
{
    private const string CreateVersionTable =
        "CREATE TABLE IF NOT EXISTS schema_version (component TEXT NOT NULL, version INTEGER NOT NULL, name TEXT NOT NULL, " +
        "applied_at_ms BIGINT NOT NULL, PRIMARY KEY (component, version))";

    /// <returns>The schema version after migrating.</returns>
    public async Task<int> MigrateAsync(MigrationSet set, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(set);
        await using var connection = await connections.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        if (connections.Dialect == DatabaseDialect.PostgreSql)
        {
            // One lock for every component: creating schema_version itself races otherwise.
            await Sql.ExecuteAsync(connection, transaction, "SELECT pg_advisory_xact_lock(hashtext('grader.schema_version'))", cancellationToken).ConfigureAwait(false);
        }
        await Sql.ExecuteAsync(connection, transaction, CreateVersionTable, cancellationToken).ConfigureAwait(false);
        var current = await CurrentVersionAsync(connection, transaction, set.Component, cancellationToken).ConfigureAwait(false);
        if (current > set.LatestVersion) throw new SchemaTooNewException(set.Component, current, set.LatestVersion);

        foreach (var migration in set.Migrations.Where(m => m.Version > current))
        {
            await Sql.ExecuteAsync(connection, transaction, migration.Sql, cancellationToken).ConfigureAwait(false);
            await Sql.ExecuteAsync(connection, transaction,
                "INSERT INTO schema_version (component, version, name, applied_at_ms) VALUES (@component, @version, @name, @at)",
                cancellationToken,
                ("component", set.Component), ("version", migration.Version), ("name", migration.Name), ("at", DateTimeOffset.UtcNow.ToUnixTimeMilliseconds())).ConfigureAwait(false);
            LogApplied(logger, set.Component, migration.Version, migration.Name, connections.Location);
        }
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return Math.Max(current, set.LatestVersion);
    }

    public static async Task<int> CurrentVersionAsync(DbConnection connection, DbTransaction? transaction, string component, CancellationToken cancellationToken)
    {
        var value = await Sql.ScalarAsync(connection, transaction, "SELECT MAX(version) FROM schema_version WHERE component = @component", cancellationToken, ("component", component)).ConfigureAwait(false);
        return value is null or DBNull ? 0 : Convert.ToInt32(value, CultureInfo.InvariantCulture);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Applied {Component} schema step {Version} ({Name}) to {Location}")]
    private static partial void LogApplied(ILogger logger, string component, int version, string name, string location);
}
