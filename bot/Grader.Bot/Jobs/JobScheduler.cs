using Grader.Bot.Configuration;
using Grader.Bot.Storage;
using Grader.Rubrics.Model;
using Grader.GitHub.Outbox;
using Hangfire;
using Hangfire.Common;
using Hangfire.States;

namespace Grader.Bot.Jobs;

/// <summary>
/// Creates grading jobs: one per (repository, PR, head SHA), recorded in SQLite first, then enqueued in
/// Hangfire on the queue of the capability it needs. The PR's head SHA supersedes the PR's other jobs:
/// queued ones are deleted from Hangfire, running ones cancelled through <see cref="JobCancellationRegistry"/>.
/// </summary>
public sealed partial class JobScheduler(
    GraderStore store,
    IBackgroundJobClient jobs,
    JobCancellationRegistry running,
    OutboxSignal outbox,
    IRosterExtensions roster,
    TimeProvider time,
    ILogger<JobScheduler> logger)
{
    /// <summary>Records and enqueues the job of a commit; returns a note for the delivery.</summary>
    /// <param name="regrade">Grade a commit again whose job finished.</param>
    /// <param name="isHead">
    /// The commit is the PR's current head as GitHub reports it: the job supersedes the PR's other jobs and posts the
    /// review. False for a re-run of an older commit: it grades and completes its own check run only.
    /// </param>
    /// <param name="submission">When GitHub recorded the commit, whose it is and the PR's base (late work, extensions, benchmark references).</param>
    public async Task<string> ScheduleAsync(PullRequestRef pullRequest, string headSha, ResolvedCourse course, bool regrade, bool isHead, Submission submission, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(course);
        ArgumentNullException.ThrowIfNull(submission);
        var record = new GradingJobRecord
        {
            JobKey = GradingJobRecord.KeyFor(pullRequest.Repository, pullRequest.Number, headSha),
            PullRequest = pullRequest,
            HeadSha = headSha,
            RubricName = course.RubricName,
            RubricPath = course.RubricPath,
            HiddenTestsPath = course.HiddenTestsPath,
            Queue = course.Queue,
            PostsReview = isHead,
            SubmittedAt = submission.SubmittedAt,
            Learner = submission.Learner,
            BaseSha = submission.BaseSha,
            LimitExempt = submission.LimitExempt,
            Extension = await ExtensionAsync(course, submission.Learner, cancellationToken).ConfigureAwait(false),
        };
        if (await ClosedAsync(record, course, cancellationToken).ConfigureAwait(false) is { } closed)
        {
            return await AcknowledgeClosedAsync(record, regrade, closed, cancellationToken).ConfigureAwait(false);
        }

        if (record.LimitExempt && !regrade && course.Entry?.SubmissionLimit is not null)
        {
            // An instructor's /grade of a commit the limit deferred grades it now, as /regrade would.
            regrade = (await store.GetJobAsync(record.JobKey, cancellationToken).ConfigureAwait(false))?.DeferredUntil is not null;
        }

        if (course.Entry?.SubmissionLimit is { } limit && !record.LimitExempt && record.Learner is { } learner)
        {
            var existing = await store.GetJobAsync(record.JobKey, cancellationToken).ConfigureAwait(false);
            if (existing?.DeferredUntil is { } until && until > time.GetUtcNow())
            {
                // A redelivery, a reopen or another push naming this commit while it waits: its release is scheduled.
                return $"job {record.JobKey} exists already (deferred by the submission limit until {until:O})";
            }

            // Only a push that would be queued is held against the limit: one that exists already stays as it is.
            var wouldQueue = existing is null || existing.DeferredUntil is not null
                || (regrade && existing.State is not (JobState.Queued or JobState.Running));
            if (wouldQueue && await store.NextGradingAsync(learner, record.RubricName, limit, pullRequest, cancellationToken).ConfigureAwait(false) is { } next)
            {
                return await DeferAsync(record, regrade, limit, next, cancellationToken).ConfigureAwait(false);
            }
        }

        var outcome = await store.ScheduleJobAsync(record, regrade, supersedeOthers: isHead, cancellationToken).ConfigureAwait(false);
        foreach (var old in outcome.Superseded)
        {
            await StopAsync(old, "superseded by " + headSha, cancellationToken).ConfigureAwait(false);
        }

        if (!outcome.Queued)
        {
            return $"job {record.JobKey} exists already";
        }

        // The queued check run is in the outbox with the job; it appears within a second: the relay is woken now.
        outbox.Notify();
        Enqueue(record);
        return $"job {record.JobKey} queued on {record.Queue}; superseded {outcome.Superseded.Count}";
    }

    /// <summary>
    /// The learner's extension for the module: the course configuration's (the instructor's word for this module) first,
    /// else the roster's, for the module or every module. Asked only of a module with a deadline, so an ungraded course
    /// costs no roster read.
    /// </summary>
    private async Task<DeadlineExtension?> ExtensionAsync(ResolvedCourse course, string? learner, CancellationToken cancellationToken)
    {
        if (course.Deadline is null || learner is null)
        {
            return null;
        }

        return course.Entry?.ExtensionFor(learner)
            ?? (course.ModuleId is { } module ? await roster.ForAsync(learner, module, cancellationToken).ConfigureAwait(false) : null);
    }

    /// <summary>
    /// How the commit stands against a module that has a hard close, judged on the earliest time GitHub recorded for it
    /// (an earlier delivery of the same commit counts): the assessment when it came after the learner's close, else null.
    /// </summary>
    private async Task<LateWorkAssessment?> ClosedAsync(GradingJobRecord record, ResolvedCourse course, CancellationToken cancellationToken)
    {
        if (course.Deadline is not { Close: not null } deadline || record.SubmittedAt is not { } candidate)
        {
            return null;
        }

        var known = (await store.GetJobAsync(record.JobKey, cancellationToken).ConfigureAwait(false))?.SubmittedAt;
        var submittedAt = known is { } earlier && earlier < candidate ? earlier : candidate;
        var assessment = deadline.Assess(submittedAt, record.Extension);
        return assessment.Status == LateStatus.Closed ? assessment : null;
    }

    /// <summary>
    /// A commit submitted after the hard close gets a check run saying so and nothing else: no grading, no review, and
    /// the PR's earlier jobs are not superseded (the last submission before the close stays the one of record).
    /// </summary>
    private async Task<string> AcknowledgeClosedAsync(GradingJobRecord record, bool regrade, LateWorkAssessment closed, CancellationToken cancellationToken)
    {
        var notGraded = new NotGraded(new OutboxResult(GradingOutcomes.Closed(closed), PostReview: false));
        var outcome = await store.ScheduleJobAsync(record with { PostsReview = false }, regrade, supersedeOthers: false, cancellationToken, notGraded).ConfigureAwait(false);
        if (!outcome.Queued)
        {
            return $"job {record.JobKey} exists already (submitted after the close)";
        }

        outbox.Notify();
        LogClosed(logger, record.JobKey, closed.SubmittedAt);
        return $"job {record.JobKey} not graded: submitted after the module closed";
    }

    /// <summary>
    /// A push over the module's submission limit: recorded, not graded, its check run saying when the next grading is
    /// possible; the PR's other jobs are left alone (a grading already running used its token and finishes). A delayed
    /// Hangfire job then schedules whatever the PR's head is at that time (<see cref="SubmissionLimitRelease"/>).
    /// </summary>
    private async Task<string> DeferAsync(GradingJobRecord record, bool regrade, SubmissionLimit limit, DateTimeOffset next, CancellationToken cancellationToken)
    {
        var notGraded = new NotGraded(new OutboxResult(GradingOutcomes.Deferred(limit, next), PostReview: false), next);
        var outcome = await store.ScheduleJobAsync(record with { PostsReview = false }, regrade, supersedeOthers: false, cancellationToken, notGraded).ConfigureAwait(false);
        if (!outcome.Queued)
        {
            return $"job {record.JobKey} exists already (over the submission limit)";
        }

        outbox.Notify();
        var id = await ScheduleReleaseAsync(record, next, cancellationToken).ConfigureAwait(false);
        LogDeferred(logger, record.JobKey, limit.ToString(), next, id);
        return $"job {record.JobKey} deferred by the submission limit ({limit}) until {next:O}";
    }

    /// <summary>
    /// Schedules the release of a deferred job's pull request at <paramref name="until"/> (also used when reconciling
    /// after a restart, which in-memory Hangfire storage does not survive); returns the Hangfire job id.
    /// </summary>
    public async Task<string> ScheduleReleaseAsync(GradingJobRecord record, DateTimeOffset until, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(record);
        var pr = record.PullRequest;
        var release = Job.FromExpression<SubmissionLimitRelease>(r => r.RunAsync(pr.InstallationId, pr.Repository, pr.Number, until, CancellationToken.None), record.Queue);
        // The delay is the bot's clock's: the time is the one the check run promised, plus a margin so that neither
        // Hangfire's rounding of the time nor a runner's clock a little ahead releases it before the intake's clock
        // has reached it (the intake would then find the push still deferred).
        var delay = until + SubmissionLimitRelease.Margin - time.GetUtcNow();
        var id = jobs.Create(release, new ScheduledState(delay > TimeSpan.Zero ? delay : TimeSpan.Zero) { Reason = "submission limit of " + record.JobKey });
        await store.SetHangfireJobIdAsync(record.JobKey, id, cancellationToken).ConfigureAwait(false);
        return id;
    }

    /// <summary>
    /// Puts a job just queued in the store into Hangfire; returns the Hangfire job's id. Nothing more is written: the
    /// Hangfire job claims the store's job when it starts (<see cref="GraderStore.TryStartJobAsync"/>).
    /// </summary>
    private string Enqueue(GradingJobRecord record)
    {
        // The queue travels with the job (Hangfire 1.8 Job.Queue) so retries go back to the same capability.
        var job = Job.FromExpression<GradingJob>(j => j.RunAsync(record.JobKey, null, CancellationToken.None), record.Queue);
        var id = jobs.Create(job, new EnqueuedState(record.Queue) { Reason = "grading " + record.JobKey });
        LogEnqueued(logger, record.JobKey, record.Queue, id);
        return id;
    }

    /// <summary>
    /// Puts an unfinished job whose Hangfire job is gone into Hangfire again (reconciling after a restart) and hands the
    /// job to it, unless its Hangfire job started it meanwhile: then the new one is deleted. Returns whether it was handed.
    /// </summary>
    public async Task<bool> RequeueAsync(GradingJobRecord record, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(record);
        var id = Enqueue(record);
        if (await store.ReassignHangfireJobAsync(record.JobKey, record.HangfireJobId, id, cancellationToken).ConfigureAwait(false))
        {
            return true;
        }

        jobs.Delete(id);
        return false;
    }

    /// <summary>Cancels a PR's pending work (PR closed); returns how many jobs were stopped.</summary>
    public async Task<int> CancelPullRequestAsync(string repository, int number, CancellationToken cancellationToken)
    {
        var cancelled = await store.CancelPullRequestJobsAsync(repository, number, cancellationToken).ConfigureAwait(false);
        foreach (var job in cancelled)
        {
            await StopAsync(job, "pull request closed", cancellationToken).ConfigureAwait(false);
        }

        return cancelled.Count;
    }

    private async Task StopAsync(GradingJobRecord job, string reason, CancellationToken cancellationToken)
    {
        var wasRunningHere = running.Cancel(job.JobKey);
        if (job.HangfireJobId is not null)
        {
            // A running job's Hangfire job (it claimed the job when it started): on another worker, Hangfire's cancellation
            // token fires. A queued job's Hangfire job, not known yet, finds the job stopped when it starts and drops it.
            jobs.Delete(job.HangfireJobId);
        }

        var notice = Publication.ForResult(job.PublicationKey(PublicationKind.Result), job.PublishTarget, GradingOutcomes.Stopped(reason));
        await store.EnqueueAsync(notice, cancellationToken).ConfigureAwait(false);
        outbox.Notify();
        LogStopped(logger, job.JobKey, reason, wasRunningHere);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Job {JobKey} enqueued on {Queue} as Hangfire job {HangfireJobId}")]
    private static partial void LogEnqueued(ILogger logger, string jobKey, string queue, string hangfireJobId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Job {JobKey} not graded: submitted at {SubmittedAt}, after the module's hard close")]
    private static partial void LogClosed(ILogger logger, string jobKey, DateTimeOffset submittedAt);

    [LoggerMessage(Level = LogLevel.Information, Message = "Job {JobKey} deferred by the submission limit ({Limit}) until {Until}; release is Hangfire job {HangfireJobId}")]
    private static partial void LogDeferred(ILogger logger, string jobKey, string limit, DateTimeOffset until, string hangfireJobId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Job {JobKey} stopped ({Reason}); running here: {WasRunning}")]
    private static partial void LogStopped(ILogger logger, string jobKey, string reason, bool wasRunning);
}

/// <summary>What GitHub says of a submission when it is scheduled.</summary>
/// <param name="SubmittedAt">When GitHub recorded it (the pull request event), or when its delivery arrived; null: unknown.</param>
/// <param name="Learner">The pull request's author.</param>
/// <param name="BaseSha">The pull request's base commit.</param>
/// <param name="LimitExempt">An instructor (write permission, not the author) asked for it: the submission limit neither refuses nor counts it.</param>
public sealed record Submission(DateTimeOffset? SubmittedAt, string? Learner, string? BaseSha, bool LimitExempt = false);
