using Grader.GitHub.Publishing;

namespace Grader.GitHub.Outbox;

/// <summary>
/// Durable storage of publications waiting to reach GitHub, drained by <see cref="OutboxRelay"/>. An entry is pending
/// until it is marked done or given up; both keep it (done ones make enqueueing idempotent, given-up ones are for an
/// operator, with their last error). The bot's database implements it.
/// </summary>
public interface IPublishOutbox
{
    /// <summary>Adds the publication, due now, unless its key is there already; returns whether it was added.</summary>
    Task<bool> EnqueueAsync(Publication publication, CancellationToken cancellationToken);

    /// <summary>Pending entries whose next attempt is due at <paramref name="now"/>, oldest first, at most <paramref name="limit"/>.</summary>
    Task<IReadOnlyList<OutboxEntry>> ClaimDueAsync(DateTimeOffset now, int limit, CancellationToken cancellationToken);

    /// <summary>GitHub took it: the entry leaves the pending ones; <paramref name="receipt"/> says where it was published.</summary>
    Task MarkDoneAsync(OutboxEntry entry, PublishReceipt receipt, CancellationToken cancellationToken);

    /// <summary>The attempt failed and another is due at <paramref name="nextAttemptAt"/>; counts the attempt.</summary>
    Task RescheduleAsync(OutboxEntry entry, DateTimeOffset nextAttemptAt, string lastError, CancellationToken cancellationToken);

    /// <summary>No further attempt (refused for good, out of attempts or too old); counts the attempt and keeps the error.</summary>
    Task GiveUpAsync(OutboxEntry entry, string lastError, CancellationToken cancellationToken);
}
