using System.Globalization;
using Grader.Bot.Configuration;
using Grader.Bot.Jobs;
using Grader.Bot.Storage;
using Grader.Bot.Webhooks;
using Grader.GitHub.Publishing;
using Microsoft.Extensions.Options;

namespace Grader.Bot.Publishing;

/// <summary>
/// Delivers the outbox to GitHub: queued check runs and results (check run completion + review). An item
/// stays in SQLite until GitHub accepted it; failures (5xx, 429, rate limits) are retried with exponential
/// backoff, honouring Retry-After (classified like every other GitHub call, <see cref="TransientFailure"/>).
/// Reviews are recorded per head SHA, and the publishers look up what GitHub stored before creating, so a retry
/// never posts a second review or check run.
/// </summary>
public sealed partial class OutboxPublisher(
    GraderStore store,
    IResultPublisher publisher,
    IGradingEvidence evidence,
    OutboxSignal signal,
    IOptions<BotOptions> options,
    TimeProvider time,
    ILogger<OutboxPublisher> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await PublishDueAsync(stoppingToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                LogLoopFailed(logger, ex);
            }

            await signal.WaitAsync(options.Value.OutboxPollInterval, stoppingToken).ConfigureAwait(false);
        }
    }

    /// <summary>Publishes every due item once; returns how many reached GitHub.</summary>
    public async Task<int> PublishDueAsync(CancellationToken cancellationToken)
    {
        var published = 0;
        foreach (var item in await store.GetDueOutboxItemsAsync(100, cancellationToken).ConfigureAwait(false))
        {
            try
            {
                await PublishAsync(item, cancellationToken).ConfigureAwait(false);
                await store.MarkOutboxPublishedAsync(item.Id, cancellationToken).ConfigureAwait(false);
                published++;
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                var delay = Backoff(item.Attempts, ex);
                LogPublishFailed(logger, item.Kind, item.JobKey, item.Attempts + 1, delay, ex);
                await store.MarkOutboxFailedAsync(item.Id, time.GetUtcNow() + delay, ex.Message, cancellationToken).ConfigureAwait(false);
            }
        }

        return published;
    }

    private async Task PublishAsync(OutboxItem item, CancellationToken cancellationToken)
    {
        var job = await store.GetJobAsync(item.JobKey, cancellationToken).ConfigureAwait(false)
            ?? throw new InvalidOperationException($"Outbox item {item.Id} names unknown job {item.JobKey}.");
        switch (item.Kind)
        {
            case OutboxKind.QueuedCheckRun when job.State is JobState.Queued or JobState.Running && job.CheckRunId is null:
                var created = await publisher.CreateQueuedCheckRunAsync(job.PullRequest, job.HeadSha, cancellationToken).ConfigureAwait(false);
                await store.SetCheckRunIdAsync(job.JobKey, created, cancellationToken).ConfigureAwait(false);
                break;
            case OutboxKind.QueuedCheckRun:
                // The job finished or stopped first, or has its check run: nothing to announce.
                break;
            case OutboxKind.Result:
                var result = OutboxResult.Deserialize(item.Payload);
                long? publishedCheckRun = job.CheckRunId;
                if (result.PostReview || job.CheckRunId is not null)
                {
                    var checkRunId = await publisher.CompleteCheckRunAsync(job.PullRequest, job.HeadSha, job.CheckRunId, result.Result, cancellationToken).ConfigureAwait(false);
                    await store.SetCheckRunIdAsync(job.JobKey, checkRunId, cancellationToken).ConfigureAwait(false);
                    publishedCheckRun = checkRunId;
                }

                var reviewId = result.PostReview ? await store.GetReviewIdAsync(job.PullRequest.Repository, job.HeadSha, cancellationToken).ConfigureAwait(false) : null;
                if (result.PostReview && reviewId is null)
                {
                    reviewId = await publisher.PostReviewAsync(job.PullRequest, job.HeadSha, result.Result, cancellationToken).ConfigureAwait(false);
                    await store.RecordReviewAsync(job.PullRequest.Repository, job.PullRequest.Number, job.HeadSha, reviewId.Value, cancellationToken).ConfigureAwait(false);
                }

                // Evidence last, so the record names the check run and review it was published as (stored once per record id).
                if (result.Evidence is { } record)
                {
                    var repository = job.PullRequest.Repository;
                    await evidence.RecordAsync(job.JobKey, record,
                        publishedCheckRun is { } check ? string.Create(CultureInfo.InvariantCulture, $"https://github.com/{repository}/runs/{check}") : null,
                        reviewId is { } review ? string.Create(CultureInfo.InvariantCulture, $"https://github.com/{repository}/pull/{job.PullRequest.Number}#pullrequestreview-{review}") : null,
                        cancellationToken).ConfigureAwait(false);
                }

                break;
        }
    }

    private static readonly TimeSpan LongestRequestedWait = TimeSpan.FromHours(1);

    /// <summary>The wait GitHub asked for (Retry-After, rate-limit reset), else exponential back-off.</summary>
    private TimeSpan Backoff(int attempts, Exception error)
    {
        var settings = options.Value;
        if (TransientFailure.IsTransient(error, time.GetUtcNow(), out var requested) && requested is { } wait)
        {
            // A primary rate limit resets within the hour; anything longer is a bad header.
            return wait < LongestRequestedWait ? wait : LongestRequestedWait;
        }

        var delay = settings.OutboxBaseDelay * Math.Pow(2, Math.Min(attempts, 16));
        return delay < settings.OutboxMaxDelay ? delay : settings.OutboxMaxDelay;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Publishing {Kind} of {JobKey} failed (attempt {Attempt}); retry in {Delay}")]
    private static partial void LogPublishFailed(ILogger logger, OutboxKind kind, string jobKey, int attempt, TimeSpan delay, Exception exception);

    [LoggerMessage(Level = LogLevel.Error, Message = "Outbox round failed")]
    private static partial void LogLoopFailed(ILogger logger, Exception exception);
}
