namespace Grader.Evidence.Database;

/// <summary>The database cannot be reached or opened (PostgreSQL down, wrong credentials, unreadable SQLite file): a start-up error.</summary>
public sealed class DatabaseUnavailableException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>The database's schema is newer than this binary understands: refuse to touch it rather than corrupt it.</summary>
public sealed class SchemaTooNewException(string component, int databaseVersion, int knownVersion)
    : Exception($"The {component} schema in the database is version {databaseVersion}, newer than this grader understands ({knownVersion}); upgrade the grader before using this database.")
{
    public string Component { get; } = component;
    public int DatabaseVersion { get; } = databaseVersion;
    public int KnownVersion { get; } = knownVersion;
}
