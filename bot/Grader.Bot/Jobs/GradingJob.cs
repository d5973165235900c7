using Grader.Bot.Configuration;
using Grader.Bot.Fleet;
using Grader.Bot.Monitoring;
using Grader.Bot.Storage;
using Grader.GitHub.Outbox;
using Grader.GitHub.Publishing;
using Hangfire.Server;

namespace Grader.Bot.Jobs;

/// <summary>
/// The Hangfire job: grades one (repository, PR, head SHA) through <see cref="ISubmissionGrader"/> (a worker process)
/// and puts the result in the outbox. A job superseded or cancelled before or while it runs ends quietly. Exceptions
/// are grader errors: rethrown for Hangfire's AutomaticRetry (delays from configuration) while the job has attempts
/// left in SQLite (<see cref="AttemptBudget"/>), else recorded as a grader-error result. Learner failures are results,
/// never retried.
/// </summary>
public sealed partial class GradingJob(
    GraderStore store,
    ISubmissionGrader grader,
    GradingPublisher publisher,
    JobCancellationRegistry registry,
    OutboxSignal outbox,
    AttemptBudget budget,
    IGradingEvidence evidence,
    CourseConfiguration courses,
    RunnerIdentity runner,
    GraderMetrics metrics,
    ILogger<GradingJob> logger)
{
    /// <param name="context">
    /// Hangfire's: the Hangfire job's id, which claims the store's job when it starts, and the time the job waited in its
    /// queue (metrics). Attempts are counted in the store, which survives restarts (Hangfire's in-memory count does not).
    /// </param>
    public async Task RunAsync(string jobKey, PerformContext? context, CancellationToken cancellationToken)
    {
        using var busy = metrics.JobRunning();
        // The start is one statement with nothing read before it (dispatch cost per job); the job is read only when it
        // does not start, to say why.
        var hangfireJobId = context?.BackgroundJob?.Id;
        var started = await store.TryStartJobAsync(jobKey, cancellationToken, runner.RunnerId, budget.MaxAttempts, budget.MaxWorkerDeaths,
            hangfireJobId).ConfigureAwait(false);
        var job = started ?? await store.GetJobAsync(jobKey, cancellationToken).ConfigureAwait(false);
        // Every log line of the attempt carries the job, repository and commit; the metrics see its start and end.
        using var scope = GraderLogScope.Job(logger, jobKey, job?.PullRequest.Repository, job?.HeadSha);
        var queue = job?.Queue ?? "unknown";
        var firstAttempt = started is not null ? started.Attempts == 1 : job is { Attempts: 0 };
        if (JobWait.Of(context, firstAttempt) is { } waited) metrics.JobStarted(queue, waited);
        var outcome = JobOutcomes.Interrupted;
        try
        {
            outcome = started is not null
                ? await RunAttemptAsync(jobKey, started, cancellationToken).ConfigureAwait(false)
                : await NotStartedAsync(jobKey, job, hangfireJobId).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // A grader error thrown for Hangfire's retry (a cancellation thrown here is a shutdown: interrupted).
            outcome = JobOutcomes.Retried;
            throw;
        }
        finally
        {
            metrics.JobEnded(queue, outcome);
        }
    }

    /// <summary>
    /// A job that did not start: superseded or cancelled meanwhile, another Hangfire job's, or a running job out of
    /// attempts.
    /// </summary>
    private async Task<string> NotStartedAsync(string jobKey, GradingJobRecord? job, string? hangfireJobId)
    {
        var owned = job?.HangfireJobId is null || hangfireJobId is null || job.HangfireJobId == hangfireJobId;
        if (job is { State: JobState.Running } && owned && budget.Spent(job.Attempts, job.WorkerDeaths) is { } used)
        {
            // Started again after its last attempt died with its process (a re-queued Hangfire job): no crash loop.
            await GiveUpAsync(job, used, "The grader stopped while it was grading this commit", null).ConfigureAwait(false);
            return JobOutcomes.Failed;
        }

        LogDropped(logger, jobKey, job?.State.ToString() ?? "unknown");
        return JobOutcomes.Dropped;
    }

    /// <summary>One started attempt; returns its outcome, or throws for Hangfire (retried, or interrupted by a shutdown).</summary>
    private async Task<string> RunAttemptAsync(string jobKey, GradingJobRecord started, CancellationToken cancellationToken)
    {
        using var registration = registry.Register(jobKey, cancellationToken);
        var progress = new CheckRunProgress(store, publisher, started, logger, registration.Token);
        try
        {
            var assignment = Assign(started);
            var graded = await grader.GradeAsync(assignment, progress, registration.Token).ConfigureAwait(false);
            // A progress update still in flight must land before the outbox completes the check run.
            await progress.DisposeAsync().ConfigureAwait(false);
            var result = new OutboxResult(graded.Result, PostReview: started.PostsReview) { Evidence = graded.Evidence };
            if (await store.CompleteJobWithResultAsync(jobKey, result, CancellationToken.None, graded.Visible).ConfigureAwait(false))
            {
                outbox.Notify();
                LogCompleted(logger, jobKey, graded.Result.Conclusion);
                return JobOutcomes.Succeeded;
            }

            return JobOutcomes.Cancelled;
        }
        catch (OperationCanceledException) when (registration.Token.IsCancellationRequested)
        {
            var now = await store.GetJobAsync(jobKey, CancellationToken.None).ConfigureAwait(false);
            if (now?.State is JobState.Running)
            {
                // Not superseded: this runner is stopping and its drain deadline passed. Hangfire requeues a job its
                // stopping server cancelled, for another runner (or reconciled on the next start); the job stays running in
                // the store with the attempt counted, as after a crash, so a job that never ends cannot loop for ever.
                LogHandedBack(logger, jobKey, runner.RunnerId);
                throw;
            }

            LogCancelled(logger, jobKey, now?.State.ToString() ?? "unknown");
            return JobOutcomes.Cancelled;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // An incomplete attempt is evidence of a grader error, never of the learner's attempt: kept now, nothing follows it.
            if (ex is IncompleteGradingException { Evidence: { } partialEvidence })
            {
                await evidence.RecordAsync(jobKey, partialEvidence, checkRunUrl: null, reviewUrl: null, CancellationToken.None).ConfigureAwait(false);
            }

            var deaths = ex is GradingWorkerDiedException
                ? await store.RecordWorkerDeathAsync(jobKey, CancellationToken.None).ConfigureAwait(false)
                : started.WorkerDeaths;
            if (budget.Spent(started.Attempts, deaths) is not { } spent)
            {
                LogRetrying(logger, jobKey, started.Attempts, ex);
                throw;
            }

            LogGaveUp(logger, jobKey, started.Attempts, spent, ex);
            await progress.DisposeAsync().ConfigureAwait(false);
            await GiveUpAsync(started with { WorkerDeaths = deaths }, spent, ex.Message, ex as IncompleteGradingException).ConfigureAwait(false);
            return JobOutcomes.Failed;
        }
        finally
        {
            await progress.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <summary>
    /// What this runner grades: the rubric and hidden tests by the name the bot recorded, found in this runner's own
    /// course configuration (a runner on another machine needs nothing from the bot's disk); the recorded paths serve
    /// a runner whose configuration lacks the name (the bot's own process, a job recorded before names were resolved).
    /// The learner's extension and the submission time (GitHub's) were recorded at intake.
    /// </summary>
    private GradingAssignment Assign(GradingJobRecord job)
    {
        var local = courses.Rubrics.GetValueOrDefault(job.RubricName);
        var (rubric, hidden) = local is not null ? (local.Rubric, local.HiddenTests) : (job.RubricPath, job.HiddenTestsPath);
        return new GradingAssignment(job.JobKey, job.PullRequest, job.HeadSha, rubric, hidden)
        {
            CheckRunId = job.CheckRunId,
            Queue = job.Queue,
            SubmittedAt = job.SubmittedAt,
            Extension = job.ExtensionWith(local),
            BaseCommit = job.BaseSha,
            ResultsPublished = job.ModulePublished,
        };
    }

    /// <summary>Ends a running job as a grader error: a neutral check run (with what was graded, if anything), no review.</summary>
    private async Task GiveUpAsync(GradingJobRecord job, string spent, string error, IncompleteGradingException? incomplete)
    {
        var given = incomplete is not null
            ? GradingOutcomes.Incomplete(incomplete, job.Attempts)
            : GradingOutcomes.GraderError($"{error} (no further attempt: {spent})", job.Attempts);
        var result = new OutboxResult(given, PostReview: false);
        if (await store.CompleteJobWithGraderErrorAsync(job.JobKey, result, CancellationToken.None).ConfigureAwait(false))
        {
            outbox.Notify();
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Job {JobKey} dropped before it ran: {State}")]
    private static partial void LogDropped(ILogger logger, string jobKey, string state);

    [LoggerMessage(Level = LogLevel.Information, Message = "Job {JobKey} completed: {Conclusion}")]
    private static partial void LogCompleted(ILogger logger, string jobKey, PublishConclusion conclusion);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Job {JobKey} handed back to the queue: runner {RunnerId} stopped before it finished")]
    private static partial void LogHandedBack(ILogger logger, string jobKey, string runnerId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Job {JobKey} cancelled while running: {State}")]
    private static partial void LogCancelled(ILogger logger, string jobKey, string state);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Job {JobKey} failed (attempt {Attempt}); Hangfire retries it")]
    private static partial void LogRetrying(ILogger logger, string jobKey, int attempt, Exception exception);

    [LoggerMessage(Level = LogLevel.Error, Message = "Job {JobKey} failed on attempt {Attempt} and gets no other ({Spent}): grader error recorded")]
    private static partial void LogGaveUp(ILogger logger, string jobKey, int attempt, string spent, Exception exception);
}
