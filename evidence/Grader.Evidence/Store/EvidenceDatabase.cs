using Grader.Evidence.Database;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Grader.Evidence.Store;

/// <summary>
/// The evidence database, opened and migrated: its records (append-only, signed) and its roster. Opening applies the
/// pending schema steps, so an unreachable PostgreSQL or a schema newer than this binary fails here, at start.
/// </summary>
public sealed class EvidenceDatabase : IAsyncDisposable
{
    public const string Component = "evidence";

    private EvidenceDatabase(DatabaseConnectionFactory connections)
    {
        Connections = connections;
        Records = new EvidenceStore(connections);
        Roster = new RosterStore(connections);
    }

    public DatabaseConnectionFactory Connections { get; }
    public EvidenceStore Records { get; }
    public RosterStore Roster { get; }

    /// <exception cref="DatabaseUnavailableException">The database cannot be reached or opened.</exception>
    /// <exception cref="SchemaTooNewException">The database was written by a newer grader.</exception>
    public static async Task<EvidenceDatabase> OpenAsync(DatabaseLocation options, ILogger? logger, CancellationToken cancellationToken)
    {
        var connections = new DatabaseConnectionFactory(options);
        try
        {
            var migrations = MigrationSet.FromResources(Component, typeof(EvidenceDatabase).Assembly, "Grader.Evidence.Store.Migrations", connections.Dialect);
            await new SchemaMigrator(connections, logger ?? NullLogger.Instance).MigrateAsync(migrations, cancellationToken).ConfigureAwait(false);
            return new EvidenceDatabase(connections);
        }
        catch
        {
            await connections.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    public ValueTask DisposeAsync() => Connections.DisposeAsync();
}
