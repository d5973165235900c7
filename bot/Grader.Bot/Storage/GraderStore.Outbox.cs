using System.Globalization;
using System.Text.Json;
using Grader.GitHub.Outbox;
using Grader.GitHub.Publishing;
using System.Data.Common;

namespace Grader.Bot.Storage;

/// <summary>
/// The outbox table as Grader.GitHub's <see cref="IPublishOutbox"/>. Every entry belongs to a job, whose row gives the
/// target and the check run known so far; a result's payload is an <see cref="OutboxResult"/> (the format since the
/// first release, so entries written by an older version are published as they were meant).
/// </summary>
public sealed partial class GraderStore
{
    public Task<bool> EnqueueAsync(Publication publication, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(publication);
        return WriteAsync(async (connection, transaction) =>
        {
            await using (var job = Command(connection, transaction, "SELECT 1 FROM jobs WHERE job_key = @key", ("@key", publication.Target.JobId)))
            {
                if (await job.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is null)
                {
                    throw new InvalidOperationException($"Publication '{publication.Key}' names no job of this store ({publication.Target.JobId}).");
                }
            }

            var payload = publication.Result is { } result
                ? new OutboxResult(result, PostReview: result.ReviewBody is not null) { Evidence = publication.Evidence }.Serialize()
                : QueuedPayload;
            return await InsertOutboxAsync(connection, transaction, publication.Target.JobId, publication.Kind, payload, publication.Key, cancellationToken).ConfigureAwait(false);
        }, cancellationToken);
    }

    /// <summary>A queued check run needs nothing but its job.</summary>
    private const string QueuedPayload = "{}";

    /// <summary>Inserts within a caller's transaction, so a job's state and its publication commit together; false when the key is there already.</summary>
    private async Task<bool> InsertOutboxAsync(
        DbConnection connection, DbTransaction transaction, string jobKey, PublicationKind kind, string payload, string key, CancellationToken cancellationToken)
    {
        await using var insert = Command(connection, transaction,
            """
            INSERT INTO outbox (job_key, kind, payload, next_attempt_at, enqueued_at, dedup_key) VALUES (@job, @kind, @payload, @at, @at, @key)
            ON CONFLICT(dedup_key) DO NOTHING
            """,
            ("@job", jobKey), ("@kind", kind.ToString()), ("@payload", payload), ("@at", Now()), ("@key", key));
        return await insert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1;
    }

    public async Task<IReadOnlyList<OutboxEntry>> ClaimDueAsync(DateTimeOffset now, int limit, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = Command(connection, null,
            """
            SELECT o.id, o.dedup_key, o.kind, o.payload, o.attempts, o.enqueued_at, o.job_key, j.installation_id, j.repository, j.pr_number, j.head_sha, j.check_run_id
            FROM outbox o JOIN jobs j ON j.job_key = o.job_key
            WHERE o.published_at IS NULL AND o.gave_up_at IS NULL AND o.next_attempt_at <= @now
            ORDER BY o.id LIMIT @limit
            """,
            ("@now", Stamp(now)), ("@limit", limit));
        var entries = new List<OutboxEntry>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            var id = reader.GetInt64(0);
            var pullRequest = new PullRequestRef(reader.GetInt64(7), reader.GetString(8), reader.GetInt32(9));
            var target = new PublishTarget(pullRequest.InstallationId, pullRequest.Owner, pullRequest.Name, pullRequest.Number, reader.GetString(10), reader.GetString(6));
            var kind = Enum.Parse<PublicationKind>(reader.GetString(2));
            var payload = kind is PublicationKind.Result or PublicationKind.VisibilityUpdate ? ReadResult(reader.GetString(3)) : null;
            var publication = new Publication
            {
                // Entries from before keys existed were never enqueued twice: their id serves.
                Key = reader.IsDBNull(1) ? $"outbox-{id}" : reader.GetString(1),
                Kind = kind,
                Target = target,
                CheckRunId = reader.IsDBNull(11) ? null : reader.GetInt64(11),
                // A commit that is not the head gets its check run only: no review.
                Result = payload is null ? null : payload.PostReview ? payload.Result : payload.Result with { ReviewBody = null },
                Evidence = payload?.Evidence,
            };
            var enqueuedAt = DateTimeOffset.Parse(reader.GetString(5), CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind);
            entries.Add(new OutboxEntry(id, publication, reader.GetInt32(4), enqueuedAt));
        }

        return entries;
    }

    /// <summary>An unreadable payload yields no result: the relay gives that entry up instead of failing every pass.</summary>
    private static OutboxResult? ReadResult(string payload)
    {
        try
        {
            return OutboxResult.Deserialize(payload);
        }
        catch (Exception ex) when (ex is JsonException or InvalidDataException)
        {
            return null;
        }
    }

    /// <summary>Marks the entry published and records where: the job's check run and the review of its head commit.</summary>
    public Task MarkDoneAsync(OutboxEntry entry, PublishReceipt receipt, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entry);
        ArgumentNullException.ThrowIfNull(receipt);
        var target = entry.Publication.Target;
        return WriteAsync(async (connection, transaction) =>
        {
            await using (var done = Command(connection, transaction,
                "UPDATE outbox SET published_at = @at, last_error = NULL WHERE id = @id", ("@id", entry.Id), ("@at", Now())))
            {
                await done.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }

            await using (var job = Command(connection, transaction,
                "UPDATE jobs SET check_run_id = @check, updated_at = @at WHERE job_key = @key",
                ("@key", target.JobId), ("@check", receipt.CheckRunId), ("@at", Now())))
            {
                await job.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }

            if (receipt.Review is { } review)
            {
                await using var reviews = Command(connection, transaction,
                    "INSERT INTO reviews (repository, head_sha, pr_number, review_id) VALUES (@repo, @sha, @pr, @id) ON CONFLICT DO NOTHING",
                    ("@repo", $"{target.Owner}/{target.Repository}"), ("@sha", target.HeadSha), ("@pr", target.PullRequestNumber), ("@id", review.ReviewId));
                await reviews.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }

            return true;
        }, cancellationToken);
    }

    public Task RescheduleAsync(OutboxEntry entry, DateTimeOffset nextAttemptAt, string lastError, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entry);
        return WriteAsync(async (connection, transaction) =>
        {
            await using var command = Command(connection, transaction,
                "UPDATE outbox SET attempts = attempts + 1, next_attempt_at = @next, last_error = @error WHERE id = @id AND published_at IS NULL AND gave_up_at IS NULL",
                ("@id", entry.Id), ("@next", Stamp(nextAttemptAt)), ("@error", lastError));
            return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }, cancellationToken);
    }

    public Task GiveUpAsync(OutboxEntry entry, string lastError, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entry);
        return WriteAsync(async (connection, transaction) =>
        {
            await using var command = Command(connection, transaction,
                "UPDATE outbox SET attempts = attempts + 1, gave_up_at = @at, last_error = @error WHERE id = @id AND published_at IS NULL AND gave_up_at IS NULL",
                ("@id", entry.Id), ("@at", Now()), ("@error", lastError));
            return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }, cancellationToken);
    }

    /// <summary>How many publications are still pending (neither published nor given up).</summary>
    internal async Task<int> CountPendingOutboxAsync(CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = Command(connection, null, "SELECT COUNT(*) FROM outbox WHERE published_at IS NULL AND gave_up_at IS NULL");
        return Convert.ToInt32(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), CultureInfo.InvariantCulture);
    }
}
