namespace Grader.Bot.Storage;

public sealed partial class GraderStore
{
    /// <summary>Adds and removes repositories an installation covers; <paramref name="replaceAll"/> forgets the others first.</summary>
    public Task UpdateInstallationAsync(long installationId, IReadOnlyCollection<string> added, IReadOnlyCollection<string> removed, bool replaceAll, CancellationToken cancellationToken) =>
        WriteAsync(async (connection, transaction) =>
        {
            if (replaceAll)
            {
                await using var clear = Command(connection, transaction, "DELETE FROM installation_repositories WHERE installation_id = @id", ("@id", installationId));
                await clear.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }

            foreach (var repository in added)
            {
                await using var insert = Command(connection, transaction,
                    "INSERT INTO installation_repositories (installation_id, repository) VALUES (@id, @repo) ON CONFLICT DO NOTHING", ("@id", installationId), ("@repo", repository));
                await insert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }

            foreach (var repository in removed)
            {
                await using var delete = Command(connection, transaction,
                    "DELETE FROM installation_repositories WHERE installation_id = @id AND repository = @repo", ("@id", installationId), ("@repo", repository));
                await delete.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }

            return 0;
        }, cancellationToken);

    public async Task<IReadOnlyList<string>> GetInstallationRepositoriesAsync(long installationId, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = Command(connection, null,
            "SELECT repository FROM installation_repositories WHERE installation_id = @id ORDER BY repository", ("@id", installationId));
        var repositories = new List<string>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            repositories.Add(reader.GetString(0));
        }

        return repositories;
    }
}
