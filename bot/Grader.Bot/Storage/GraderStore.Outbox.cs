using System.Globalization;

namespace Grader.Bot.Storage;

public sealed partial class GraderStore
{
    public Task AddOutboxItemAsync(string jobKey, OutboxKind kind, string payload, CancellationToken cancellationToken) =>
        WriteAsync(async (connection, transaction) =>
        {
            await using var command = Command(connection, transaction,
                "INSERT INTO outbox (job_key, kind, payload, next_attempt_at) VALUES ($key, $kind, $payload, $at)",
                ("$key", jobKey), ("$kind", kind.ToString()), ("$payload", payload), ("$at", Now()));
            return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }, cancellationToken);

    /// <summary>Unpublished items whose next attempt is due, oldest first.</summary>
    public async Task<IReadOnlyList<OutboxItem>> GetDueOutboxItemsAsync(int limit, CancellationToken cancellationToken)
    {
        await using var connection = Open();
        await using var command = Command(connection, null,
            "SELECT id, job_key, kind, payload, attempts FROM outbox WHERE published_at IS NULL AND next_attempt_at <= $now ORDER BY id LIMIT $limit",
            ("$now", Now()), ("$limit", limit));
        var items = new List<OutboxItem>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            items.Add(new OutboxItem(reader.GetInt64(0), reader.GetString(1), Enum.Parse<OutboxKind>(reader.GetString(2)), reader.GetString(3), reader.GetInt32(4)));
        }

        return items;
    }

    /// <summary>How many results (not queued notices) still wait to reach GitHub.</summary>
    public async Task<int> CountPendingOutboxAsync(CancellationToken cancellationToken)
    {
        await using var connection = Open();
        await using var command = Command(connection, null, "SELECT COUNT(*) FROM outbox WHERE published_at IS NULL");
        return Convert.ToInt32(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), CultureInfo.InvariantCulture);
    }

    public Task MarkOutboxPublishedAsync(long id, CancellationToken cancellationToken) =>
        WriteAsync(async (connection, transaction) =>
        {
            await using var command = Command(connection, transaction,
                "UPDATE outbox SET published_at = $at, last_error = NULL WHERE id = $id", ("$id", id), ("$at", Now()));
            return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }, cancellationToken);

    public Task MarkOutboxFailedAsync(long id, DateTimeOffset nextAttemptAt, string error, CancellationToken cancellationToken) =>
        WriteAsync(async (connection, transaction) =>
        {
            await using var command = Command(connection, transaction,
                "UPDATE outbox SET attempts = attempts + 1, next_attempt_at = $next, last_error = $error WHERE id = $id",
                ("$id", id), ("$next", nextAttemptAt.ToString("O", CultureInfo.InvariantCulture)), ("$error", error));
            return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }, cancellationToken);

    /// <summary>The review posted for a head SHA, if any: there is exactly one per SHA.</summary>
    public async Task<long?> GetReviewIdAsync(string repository, string headSha, CancellationToken cancellationToken)
    {
        await using var connection = Open();
        await using var command = Command(connection, null,
            "SELECT review_id FROM reviews WHERE repository = $repo AND head_sha = $sha", ("$repo", repository), ("$sha", headSha));
        var value = await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
        return value is null ? null : Convert.ToInt64(value, CultureInfo.InvariantCulture);
    }

    public Task RecordReviewAsync(string repository, int number, string headSha, long reviewId, CancellationToken cancellationToken) =>
        WriteAsync(async (connection, transaction) =>
        {
            await using var command = Command(connection, transaction,
                "INSERT OR IGNORE INTO reviews (repository, head_sha, pr_number, review_id) VALUES ($repo, $sha, $pr, $id)",
                ("$repo", repository), ("$sha", headSha), ("$pr", number), ("$id", reviewId));
            return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }, cancellationToken);
}
