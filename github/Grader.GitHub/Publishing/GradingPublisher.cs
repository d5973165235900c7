using Grader.GitHub.Http;
using Microsoft.Extensions.Logging;

namespace Grader.GitHub.Publishing;

/// <summary>What GitHub holds once a publication went through: the check run, and the review when one was asked for.</summary>
public sealed record PublishReceipt(long CheckRunId, ReviewOutcome? Review);

/// <summary>
/// Publishes a graded commit: the check run lifecycle and the one review per head commit. Every call gets the in-line
/// retries of the HTTP layer and looks before it writes (<see cref="Http.LookBeforeWriteRetry"/>), so repeating a
/// publication never duplicates anything. What still fails is thrown: the bot's outbox relay retries it later
/// (<see cref="Outbox.OutboxRelay"/>), the action reports it.
/// </summary>
public sealed partial class GradingPublisher(
    CheckRunPublisher checkRuns,
    ReviewPublisher reviews,
    PullRequestSummaryPublisher summaries,
    TimeProvider time,
    ILogger<GradingPublisher> logger)
{
    /// <summary>Creates (or, for a retried job, finds) the queued check run. Returns its id.</summary>
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
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested && TransientFailure.IsTransient(ex, time.GetUtcNow(), out _))
        {
            LogProgressDropped(logger, target.ToString(), SecretRedactor.Describe(ex));
            return false;
        }
    }

    /// <summary>
    /// Completes the check run (finding or creating it when <paramref name="checkRunId"/> is null) and posts the review
    /// when <see cref="PublishableResult.ReviewBody"/> is set, then keeps the PR's one current picture
    /// (<see cref="PullRequestSummaryPublisher"/>). Throws when GitHub did not take it.
    /// </summary>
    public async Task<PublishReceipt> PublishAsync(PublishTarget target, long? checkRunId, PublishableResult result, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(result);
        var id = checkRunId ?? await checkRuns.StartAsync(target, result.DetailsUrl, cancellationToken).ConfigureAwait(false);
        await checkRuns.CompleteAsync(target, id, result, cancellationToken).ConfigureAwait(false);
        var review = result.ReviewBody is null
            ? null
            : await reviews.PublishAsync(target, result, cancellationToken).ConfigureAwait(false);
        if (review is not null)
        {
            // The PR's one current picture: earlier reviews collapsed, the summary comment's history updated.
            await summaries.UpdateAsync(target, result, cancellationToken).ConfigureAwait(false);
        }

        return new PublishReceipt(id, review);
    }

    /// <summary>
    /// Shows a published result as visibility now allows: the completed check run's title, summary and text, and the
    /// commit's review body, edited in place (annotations and the review event stay as first posted). Editing to the
    /// same text again changes nothing, so a repeated refresh is harmless.
    /// </summary>
    public async Task<PublishReceipt> RefreshAsync(PublishTarget target, long checkRunId, PublishableResult result, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(result);
        await checkRuns.UpdateOutputAsync(target, checkRunId, result, cancellationToken).ConfigureAwait(false);
        var review = result.ReviewBody is null ? null : await reviews.EditAsync(target, result.ReviewBody, cancellationToken).ConfigureAwait(false);
        return new PublishReceipt(checkRunId, review);
    }

    [LoggerMessage(EventId = 2402, Level = LogLevel.Warning, Message = "Progress update for {Target} dropped: {Reason}")]
    private static partial void LogProgressDropped(ILogger logger, string target, string reason);
}
