using Grader.GitHub.Publishing;
using Microsoft.Extensions.Logging;

namespace Grader.GitHub.Outbox;

/// <summary>
/// Drains an outbox into GitHub through <see cref="GradingPublisher"/>: each due entry is published, then marked done;
/// a failed attempt is rescheduled or given up as <see cref="PublishRetryPolicy"/> decides. Publishing looks before it
/// writes, so an entry repeated after a crash or a lost answer never duplicates a check run, annotation or review.
/// Failures of the outbox itself propagate: the caller tries the pass again later. Only while this process holds the
/// <see cref="IRelayLease"/> does it publish anything.
/// </summary>
public sealed partial class OutboxRelay(
    GradingPublisher publisher,
    IPublishOutbox outbox,
    PublishRetryPolicy policy,
    IEnumerable<IPublicationFollowUp> followUps,
    IRelayLease lease,
    TimeProvider time,
    ILogger<OutboxRelay> logger)
{
    /// <summary>Entries taken per pass; the next pass takes the rest.</summary>
    public const int BatchSize = 100;

    /// <summary>Tries every due entry once, oldest first, while the lease is held. Returns how many reached GitHub.</summary>
    public async Task<int> DeliverDueAsync(CancellationToken cancellationToken)
    {
        var published = 0;
        if (!lease.IsHeld)
        {
            return published;
        }

        foreach (var entry in await outbox.ClaimDueAsync(time.GetUtcNow(), BatchSize, cancellationToken).ConfigureAwait(false))
        {
            // Another process may hold the lease by now: the rest of the pass is its to publish.
            if (!lease.IsHeld)
            {
                break;
            }

            if (await DeliverAsync(entry, cancellationToken).ConfigureAwait(false))
            {
                published++;
            }
        }

        return published;
    }

    private async Task<bool> DeliverAsync(OutboxEntry entry, CancellationToken cancellationToken)
    {
        var publication = entry.Publication;
        var attempt = entry.Attempts + 1;
        PublishReceipt receipt;
        try
        {
            receipt = await PublishAsync(publication, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            // Not cancellable: once GitHub has answered, what happened must reach the outbox.
            var reason = SecretRedactor.Describe(ex);
            var decision = policy.AfterFailure(ex, attempt, entry.EnqueuedAt, time.GetUtcNow());
            if (decision.NextAttemptAt is { } next)
            {
                await outbox.RescheduleAsync(entry, next, reason, CancellationToken.None).ConfigureAwait(false);
                LogRescheduled(logger, publication.Kind, publication.Target.ToString(), attempt, next, decision.Why, reason);
            }
            else
            {
                await outbox.GiveUpAsync(entry, reason, CancellationToken.None).ConfigureAwait(false);
                LogGaveUp(logger, publication.Kind, publication.Target.ToString(), attempt, decision.Why, reason);
            }

            return false;
        }

        foreach (var followUp in followUps)
        {
            await followUp.PublishedAsync(entry, receipt, CancellationToken.None).ConfigureAwait(false);
        }

        await outbox.MarkDoneAsync(entry, receipt, CancellationToken.None).ConfigureAwait(false);
        LogPublished(logger, publication.Kind, publication.Target.ToString(), attempt);
        return true;
    }

    private async Task<PublishReceipt> PublishAsync(Publication publication, CancellationToken cancellationToken)
    {
        switch (publication.Kind)
        {
            case PublicationKind.QueuedCheckRun:
                // A check run known already (a retried or re-graded job) is announced: nothing to write.
                var id = publication.CheckRunId
                    ?? await publisher.StartAsync(publication.Target, detailsUrl: null, cancellationToken).ConfigureAwait(false);
                return new PublishReceipt(id, null);
            case PublicationKind.Result when publication.Result is { } result:
                return await publisher.PublishAsync(publication.Target, publication.CheckRunId, result, cancellationToken).ConfigureAwait(false);
            case PublicationKind.VisibilityUpdate when publication.Result is { } shown && publication.CheckRunId is { } checkRunId:
                return await publisher.RefreshAsync(publication.Target, checkRunId, shown, cancellationToken).ConfigureAwait(false);
            default:
                throw new InvalidDataException($"Outbox publication '{publication.Key}' ({publication.Kind}) carries nothing to publish.");
        }
    }

    [LoggerMessage(EventId = 2501, Level = LogLevel.Information, Message = "Published {Kind} for {Target} (attempt {Attempt})")]
    private static partial void LogPublished(ILogger logger, PublicationKind kind, string target, int attempt);

    [LoggerMessage(EventId = 2502, Level = LogLevel.Warning, Message = "Publishing {Kind} for {Target} failed (attempt {Attempt}); next attempt at {NextAttemptAt:O} ({Why}): {Reason}")]
    private static partial void LogRescheduled(ILogger logger, PublicationKind kind, string target, int attempt, DateTimeOffset nextAttemptAt, string why, string reason);

    [LoggerMessage(EventId = 2503, Level = LogLevel.Error, Message = "Gave up publishing {Kind} for {Target} after attempt {Attempt} ({Why}); kept in the outbox with its error: {Reason}")]
    private static partial void LogGaveUp(ILogger logger, PublicationKind kind, string target, int attempt, string why, string reason);
}
