using System.Data.Common;
using Grader.Evidence.Database;
using Grader.Evidence.Rosters;
using Grader.Rubrics.Model;

namespace Grader.Evidence.Store;

/// <summary>
/// The roster table. An import is one transaction: each entry replaces the row with its learner id and any row that
/// held its GitHub login (the newer roster is right about who has which account).
/// </summary>
public sealed class RosterStore(DatabaseConnectionFactory connections)
{
    public async Task ImportAsync(IReadOnlyList<RosterEntry> entries, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entries);
        await using var connection = await connections.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        foreach (var e in entries)
        {
            await Sql.ExecuteAsync(connection, transaction, "DELETE FROM roster WHERE learner_id = @id OR github_login_key = @key", cancellationToken,
                ("id", e.LearnerId), ("key", e.LoginKey)).ConfigureAwait(false);
            await Sql.ExecuteAsync(connection, transaction,
                "INSERT INTO roster (learner_id, name, email, github_login, github_login_key, github_id, cohort, alias, extensions, imported_at_ms) " +
                "VALUES (@id, @name, @email, @login, @key, @github_id, @cohort, @alias, @extensions, @at)",
                cancellationToken,
                ("id", e.LearnerId), ("name", e.Name), ("email", e.Email), ("login", e.GitHubLogin), ("key", e.LoginKey),
                ("github_id", e.GitHubId), ("cohort", e.Cohort), ("alias", e.Alias), ("extensions", e.Extensions?.ToString()), ("at", now)).ConfigureAwait(false);
        }
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<RosterEntry>> ListAsync(CancellationToken cancellationToken)
    {
        await using var connection = await connections.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = Sql.Command(connection, null, "SELECT learner_id, name, email, github_login, github_id, cohort, alias, extensions FROM roster ORDER BY learner_id");
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var list = new List<RosterEntry>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false)) list.Add(Read(reader));
        return list;
    }

    private static RosterEntry Read(DbDataReader r) =>
        new(r.GetString(0), r.GetString(1), Sql.NullableString(r, 2), Sql.NullableString(r, 3), Sql.NullableLong(r, 4), Sql.NullableString(r, 5))
        {
            Alias = Sql.NullableString(r, 6),
            Extensions = Extensions(Sql.NullableString(r, 7)),
        };

    /// <summary>
    /// The deadline extension of the learner with GitHub login <paramref name="login"/> (any case) for module
    /// <paramref name="moduleId"/> (its own entry, else the roster's <c>*</c>), or null when the roster gives none.
    /// </summary>
    public async Task<DeadlineExtension?> ExtensionForAsync(string login, string moduleId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(login);
        ArgumentNullException.ThrowIfNull(moduleId);
        await using var connection = await connections.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = Sql.Command(connection, null, "SELECT extensions FROM roster WHERE github_login_key = @key", ("key", login.ToLowerInvariant()));
        var text = await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) as string;
        return Extensions(text)?.For(moduleId);
    }

    // The column holds what the importer validated; a row written around it that does not read counts as none.
    private static ModuleExtensions? Extensions(string? text) =>
        text is not null && ModuleExtensions.TryParse(text, out var extensions, out _) ? extensions : null;
}
