using Grader.GitHub.Outbox;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Grader.GitHub.Publishing;

public sealed class GradingPublisherOptions
{
    public const string SectionName = "Grader:GitHub:Publishing";

    /// <summary>First wait before re-delivering a deferred result when GitHub named no time; doubles per attempt.</summary>
    public TimeSpan OutboxBaseDelay { get; set; } = TimeSpan.FromSeconds(30);

    public TimeSpan OutboxMaxDelay { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>How often the relay looks for due outbox entries.</summary>
    public TimeSpan OutboxPollInterval { get; set; } = TimeSpan.FromSeconds(15);
}

public enum PublishStatus
{
    /// <summary>Check run completed and review posted (or found already posted).</summary>
    Published,

    /// <summary>GitHub could not take it now; the result waits in the outbox and is re-delivered later.</summary>
    Deferred,
}

public sealed record PublishOutcome(PublishStatus Status, ReviewOutcome? Review, string? OutboxEntryId, DateTimeOffset? RetryAt);

/// <summary>
/// Publishes a graded commit: check run lifecycle and the one review per head commit. A result GitHub cannot take
/// now (rate limits, outages) goes to the outbox instead of being lost; <see cref="OutboxRelay"/> re-delivers it.
/// </summary>
public sealed partial class GradingPublisher(
    CheckRunPublisher checkRuns,
    ReviewPublisher reviews,
    IPublishOutbox outbox,
    IOptions<GradingPublisherOptions> options,
    TimeProvider time,
    ILogger<GradingPublisher> logger)
{
    /// <summary>Creates (or, for a retried job, finds) the queued check run. Failures propagate: the job is retried.</summary>
    public Task<long> StartAsync(PublishTarget target, Uri? detailsUrl, CancellationToken cancellationToken) =>
        checkRuns.StartAsync(target, detailsUrl, cancellationToken);

    /// <summary>Shows the current step. Best effort: a progress note GitHub cannot take now is dropped, never fails grading.</summary>
    public async Task<bool> ReportProgressAsync(PublishTarget target, long checkRunId, string step, CancellationToken cancellationToken)
    {
        try
        {
            await checkRuns.ReportProgressAsync(target, checkRunId, step, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (Exception ex) when (IsTransient(ex, cancellationToken, out _))
        {
            LogProgressDropped(logger, target.ToString(), SecretRedactor.Describe(ex));
            return false;
        }
    }

    /// <summary>Publishes the final result, or keeps it in the outbox when GitHub cannot take it now.</summary>
    public async Task<PublishOutcome> PublishAsync(PublishTarget target, long? checkRunId, PublishableResult result, CancellationToken cancellationToken)
    {
        try
        {
            var review = await DeliverAsync(target, checkRunId, result, cancellationToken).ConfigureAwait(false);
            return new PublishOutcome(PublishStatus.Published, review, null, null);
        }
        catch (Exception ex) when (IsTransient(ex, cancellationToken, out var retryAfter))
        {
            var now = time.GetUtcNow();
            var entry = new OutboxEntry
            {
                Id = Guid.NewGuid().ToString("N"),
                Target = target,
                CheckRunId = checkRunId,
                Result = result,
                EnqueuedAt = now,
                NotBefore = now + (retryAfter ?? options.Value.OutboxBaseDelay),
                Attempts = 1,
                LastError = SecretRedactor.Describe(ex),
            };
            // Not cancellable: once GitHub has refused, the result must reach durable storage.
            await outbox.SaveAsync(entry, CancellationToken.None).ConfigureAwait(false);
            LogDeferred(logger, target.ToString(), entry.NotBefore, entry.LastError);
            return new PublishOutcome(PublishStatus.Deferred, null, entry.Id, entry.NotBefore);
        }
    }

    internal async Task<ReviewOutcome?> DeliverAsync(PublishTarget target, long? checkRunId, PublishableResult result, CancellationToken cancellationToken)
    {
        var id = checkRunId ?? await checkRuns.StartAsync(target, result.DetailsUrl, cancellationToken).ConfigureAwait(false);
        await checkRuns.CompleteAsync(target, id, result, cancellationToken).ConfigureAwait(false);
        return result.ReviewBody is null
            ? null
            : await reviews.PublishAsync(target, result, cancellationToken).ConfigureAwait(false);
    }

    internal TimeSpan Backoff(int attempts)
    {
        var o = options.Value;
        var factor = Math.Pow(2, Math.Clamp(attempts - 1, 0, 20));
        var delay = TimeSpan.FromTicks((long)Math.Min(o.OutboxBaseDelay.Ticks * factor, o.OutboxMaxDelay.Ticks));
        return delay;
    }

    internal bool IsTransient(Exception exception, CancellationToken cancellationToken, out TimeSpan? retryAfter)
    {
        retryAfter = null;
        if (cancellationToken.IsCancellationRequested)
        {
            return false;
        }

        // A timeout (not our cancellation) is a network failure like any other.
        return TransientFailure.IsTransient(exception, time.GetUtcNow(), out retryAfter);
    }

    [LoggerMessage(EventId = 2401, Level = LogLevel.Warning, Message = "GitHub could not take the result for {Target} now; kept in the outbox until {NotBefore:O}: {Reason}")]
    private static partial void LogDeferred(ILogger logger, string target, DateTimeOffset notBefore, string reason);

    [LoggerMessage(EventId = 2402, Level = LogLevel.Warning, Message = "Progress update for {Target} dropped: {Reason}")]
    private static partial void LogProgressDropped(ILogger logger, string target, string reason);
}
