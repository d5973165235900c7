using Grader.Bot.Configuration;
using Grader.Bot.Publishing;
using Grader.Bot.Storage;
using Grader.Bot.Webhooks;
using Grader.GitHub.Publishing;
using Hangfire.Server;
using Microsoft.Extensions.Options;

namespace Grader.Bot.Jobs;

/// <summary>
/// The Hangfire job: grades one (repository, PR, head SHA) through <see cref="ISubmissionGrader"/> and puts
/// the result in the outbox. A job superseded or cancelled before or while it runs ends quietly. Exceptions
/// are grader errors: rethrown for Hangfire's AutomaticRetry (delays from configuration) until the last
/// attempt, which records a grader-error result instead. Learner failures are results, never retried.
/// </summary>
public sealed partial class GradingJob(
    GraderStore store,
    ISubmissionGrader grader,
    IResultPublisher publisher,
    JobCancellationRegistry registry,
    OutboxSignal outbox,
    IOptions<BotOptions> options,
    ILogger<GradingJob> logger)
{
    public async Task RunAsync(string jobKey, PerformContext? context, CancellationToken cancellationToken)
    {
        var job = await store.GetJobAsync(jobKey, cancellationToken).ConfigureAwait(false);
        if (job is null || !await store.TryStartJobAsync(jobKey, cancellationToken).ConfigureAwait(false))
        {
            LogDropped(logger, jobKey, job?.State.ToString() ?? "unknown");
            return;
        }

        using var registration = registry.Register(jobKey, cancellationToken);
        var progress = new CheckRunProgress(store, publisher, job, logger, registration.Token);
        try
        {
            var assignment = new GradingAssignment(jobKey, job.PullRequest, job.HeadSha, job.RubricPath, job.HiddenTestsPath) { CheckRunId = job.CheckRunId };
            var graded = await grader.GradeAsync(assignment, progress, registration.Token).ConfigureAwait(false);
            // A progress update still in flight must land before the outbox completes the check run.
            await progress.DisposeAsync().ConfigureAwait(false);
            var result = new OutboxResult(graded, PostReview: true).Serialize();
            if (await store.CompleteJobWithResultAsync(jobKey, result, CancellationToken.None).ConfigureAwait(false))
            {
                outbox.Notify();
                LogCompleted(logger, jobKey, graded.Conclusion);
            }
        }
        catch (OperationCanceledException) when (registration.Token.IsCancellationRequested)
        {
            var now = await store.GetJobAsync(jobKey, CancellationToken.None).ConfigureAwait(false);
            if (now?.State is JobState.Running)
            {
                // Not superseded: the server is shutting down. Left running in the store, reconciled on start.
                throw;
            }

            LogCancelled(logger, jobKey, now?.State.ToString() ?? "unknown");
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            var retries = context?.GetJobParameter<int>("RetryCount") ?? 0;
            if (retries < options.Value.Retry.Attempts)
            {
                LogRetrying(logger, jobKey, retries + 1, ex);
                throw;
            }

            LogGaveUp(logger, jobKey, retries + 1, ex);
            await progress.DisposeAsync().ConfigureAwait(false);
            var given = ex is IncompleteGradingException incomplete
                ? GradingOutcomes.Incomplete(incomplete, retries + 1)
                : GradingOutcomes.GraderError(ex.Message, retries + 1);
            var result = new OutboxResult(given, PostReview: false).Serialize();
            await store.CompleteJobWithResultAsync(jobKey, result, CancellationToken.None).ConfigureAwait(false);
            outbox.Notify();
        }
        finally
        {
            await progress.DisposeAsync().ConfigureAwait(false);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Job {JobKey} dropped before it ran: {State}")]
    private static partial void LogDropped(ILogger logger, string jobKey, string state);

    [LoggerMessage(Level = LogLevel.Information, Message = "Job {JobKey} completed: {Conclusion}")]
    private static partial void LogCompleted(ILogger logger, string jobKey, PublishConclusion conclusion);

    [LoggerMessage(Level = LogLevel.Information, Message = "Job {JobKey} cancelled while running: {State}")]
    private static partial void LogCancelled(ILogger logger, string jobKey, string state);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Job {JobKey} failed (attempt {Attempt}); Hangfire retries it")]
    private static partial void LogRetrying(ILogger logger, string jobKey, int attempt, Exception exception);

    [LoggerMessage(Level = LogLevel.Error, Message = "Job {JobKey} failed on its last attempt ({Attempt}): grader error recorded")]
    private static partial void LogGaveUp(ILogger logger, string jobKey, int attempt, Exception exception);
}
