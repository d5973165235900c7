using Grader.Bot.Jobs;
using Grader.Bot.Storage;
using Grader.Bot.Tests.Support;
using Grader.GitHub.Outbox;
using Grader.GitHub.Publishing;
using Grader.Evidence.Database;

namespace Grader.Bot.Tests.Storage;

/// <summary>
/// The bot's store as Grader.GitHub's outbox, in SQLite (one machine) and in PostgreSQL (the fleet): what the relay
/// reads, and what it records back.
/// </summary>
internal sealed class GraderStoreOutboxTests(DatabaseDialect dialect) : GraderStoreTestBase(dialect, Start)
{
    private static readonly DateTimeOffset Start = new(2026, 12, 2, 12, 0, 0, TimeSpan.Zero);

    private static GradingJobRecord Job(string headSha = "aaaa", bool postsReview = true) => StoreTestDatabases.Job(headSha, postsReview);

    private static PublishableResult Graded() => new()
    {
        Title = "Passed: 90/100",
        Summary = "90 of 100 points.",
        Conclusion = PublishConclusion.Success,
        ReviewEvent = Grader.Rubrics.Model.ReviewEvent.Approve,
        ReviewBody = "Well done.",
        Annotations = [new PublishAnnotation("Dockerfile", 1, 1, PublishAnnotationLevel.Warning, "pin the base image")],
    };

    private async Task<GradingJobRecord> ScheduleAndStartAsync(GradingJobRecord job, bool regrade = false)
    {
        Assert.That((await Store.ScheduleJobAsync(job, regrade, supersedeOthers: true, CancellationToken.None)).Queued, Is.True);
        return (await Store.TryStartJobAsync(job.JobKey, CancellationToken.None))!;
    }

    private Task<IReadOnlyList<OutboxEntry>> DueAsync() => Store.ClaimDueAsync(Time.GetUtcNow(), 100, CancellationToken.None);

    [Test]
    public async Task ScheduleJob_NewJob_ItsQueuedCheckRunIsDueAtOnceWithTheJobsTarget()
    {
        var job = Job();
        await Store.ScheduleJobAsync(job, regrade: false, supersedeOthers: true, CancellationToken.None);

        var entry = (await DueAsync()).Single();

        Assert.Multiple(() =>
        {
            Assert.That(entry.Publication.Kind, Is.EqualTo(PublicationKind.QueuedCheckRun));
            Assert.That(entry.Publication.Key, Is.EqualTo(job.PublicationKey(PublicationKind.QueuedCheckRun)));
            Assert.That(entry.Publication.Target, Is.EqualTo(new PublishTarget(11, "course", "lab", 2, "aaaa", job.JobKey)));
            Assert.That(entry.Publication.CheckRunId, Is.Null);
            Assert.That(entry.Attempts, Is.Zero);
            Assert.That(entry.EnqueuedAt, Is.EqualTo(Start));
        });
    }

    [Test]
    public async Task Enqueue_SameKeyAgain_AddsNothingWhetherPendingOrDone()
    {
        var job = Job();
        await Store.ScheduleJobAsync(job, regrade: false, supersedeOthers: true, CancellationToken.None);
        var stopped = Publication.ForResult(job.PublicationKey(PublicationKind.Result), job.PublishTarget, GradingOutcomes.Stopped("superseded"));

        var first = await Store.EnqueueAsync(stopped, CancellationToken.None);
        var whilePending = await Store.EnqueueAsync(stopped, CancellationToken.None);
        foreach (var entry in await DueAsync())
        {
            await Store.MarkDoneAsync(entry, new PublishReceipt(5, null), CancellationToken.None);
        }
        var whenDone = await Store.EnqueueAsync(stopped, CancellationToken.None);

        Assert.Multiple(async () =>
        {
            Assert.That((first, whilePending, whenDone), Is.EqualTo((true, false, false)));
            Assert.That(await DueAsync(), Is.Empty);
            Assert.That(await Store.CountPendingOutboxAsync(CancellationToken.None), Is.Zero);
        });
    }

    [Test]
    public void Enqueue_JobTheStoreDoesNotHave_Refused()
    {
        var job = Job();

        Assert.That(async () => await Store.EnqueueAsync(Publication.QueuedCheckRun("k", job.PublishTarget), CancellationToken.None),
            Throws.InvalidOperationException.With.Message.Contains(job.JobKey));
    }

    [Test]
    public async Task Reschedule_NotDueBeforeItsTimeThenDueWithTheAttemptAndErrorKept()
    {
        await Store.ScheduleJobAsync(Job(), regrade: false, supersedeOthers: true, CancellationToken.None);
        var entry = (await DueAsync()).Single();

        await Store.RescheduleAsync(entry, Start.AddMinutes(5), "ApiException: Server Error", CancellationToken.None);
        Time.Advance(TimeSpan.FromMinutes(5) - TimeSpan.FromTicks(1));
        var early = await DueAsync();
        Time.Advance(TimeSpan.FromTicks(1));
        var due = (await DueAsync()).Single();

        Assert.Multiple(async () =>
        {
            Assert.That(early, Is.Empty);
            Assert.That(due.Id, Is.EqualTo(entry.Id));
            Assert.That(due.Attempts, Is.EqualTo(1));
            Assert.That(due.EnqueuedAt, Is.EqualTo(Start), "the age counts from the enqueue, not the reschedule");
            Assert.That(await Scalar($"SELECT last_error FROM outbox WHERE id = {entry.Id}"), Is.EqualTo("ApiException: Server Error"));
        });
    }

    [Test]
    public async Task GiveUp_NeverClaimedAgainAndKeptWithItsError()
    {
        await Store.ScheduleJobAsync(Job(), regrade: false, supersedeOthers: true, CancellationToken.None);
        var entry = (await DueAsync()).Single();

        await Store.GiveUpAsync(entry, "NotFoundException: Not Found", CancellationToken.None);
        await Store.RescheduleAsync(entry, Start, "a late reschedule", CancellationToken.None);
        Time.Advance(TimeSpan.FromDays(365));

        Assert.Multiple(async () =>
        {
            Assert.That(await DueAsync(), Is.Empty);
            Assert.That(await Store.CountPendingOutboxAsync(CancellationToken.None), Is.Zero);
            Assert.That(await Scalar($"SELECT last_error || ' / ' || attempts FROM outbox WHERE id = {entry.Id}"), Is.EqualTo("NotFoundException: Not Found / 1"));
        });
    }

    [Test]
    public async Task MarkDone_RecordsTheCheckRunOnTheJobAndTheReviewOfTheHeadCommit()
    {
        var job = await ScheduleAndStartAsync(Job());
        await Store.CompleteJobWithResultAsync(job.JobKey, new OutboxResult(Graded(), PostReview: true), CancellationToken.None);
        var due = await DueAsync();

        await Store.MarkDoneAsync(due[0], new PublishReceipt(41, null), CancellationToken.None);
        await Store.MarkDoneAsync(due[1], new PublishReceipt(41, new ReviewOutcome(77, false, Grader.Rubrics.Model.ReviewEvent.Approve)), CancellationToken.None);

        Assert.Multiple(async () =>
        {
            Assert.That(due.Select(e => e.Publication.Kind), Is.EqualTo(new[] { PublicationKind.QueuedCheckRun, PublicationKind.Result }), "oldest first");
            Assert.That((await Store.GetJobAsync(job.JobKey, CancellationToken.None))!.CheckRunId, Is.EqualTo(41));
            Assert.That(await Scalar("SELECT review_id FROM reviews WHERE repository = 'course/lab' AND head_sha = 'aaaa'"), Is.EqualTo(77));
            Assert.That(await DueAsync(), Is.Empty);
        });
    }

    [Test]
    public async Task CompleteJob_CommitThatIsNotTheHead_ResultWithoutItsReviewAndWithItsEvidence()
    {
        var head = await ScheduleAndStartAsync(Job("aaaa"));
        var older = Job("bbbb", postsReview: false);
        await Store.ScheduleJobAsync(older, regrade: false, supersedeOthers: false, CancellationToken.None);
        older = (await Store.TryStartJobAsync(older.JobKey, CancellationToken.None))!;

        await Store.CompleteJobWithResultAsync(head.JobKey, new OutboxResult(Graded(), PostReview: true) { Evidence = "{\"head\":1}" }, CancellationToken.None);
        await Store.CompleteJobWithResultAsync(older.JobKey, new OutboxResult(Graded(), PostReview: false) { Evidence = "{\"older\":1}" }, CancellationToken.None);
        var results = (await DueAsync()).Where(e => e.Publication.Kind == PublicationKind.Result).ToDictionary(e => e.Publication.Target.HeadSha);

        Assert.Multiple(() =>
        {
            Assert.That(results["aaaa"].Publication.Result, Is.EqualTo(Graded()).Using<PublishableResult>(SameResult));
            Assert.That(results["aaaa"].Publication.Evidence, Is.EqualTo("{\"head\":1}"));
            Assert.That(results["bbbb"].Publication.Result!.ReviewBody, Is.Null, "a check run only: the review is the head's");
            Assert.That(results["bbbb"].Publication.Result!.Title, Is.EqualTo(Graded().Title));
            Assert.That(results["bbbb"].Publication.Evidence, Is.EqualTo("{\"older\":1}"));
        });
    }

    [Test]
    public async Task Regrade_FinishedJob_NewRunPublishesItsQueuedCheckRunAndResultAgain()
    {
        var job = await ScheduleAndStartAsync(Job());
        await Store.CompleteJobWithResultAsync(job.JobKey, new OutboxResult(Graded(), PostReview: true), CancellationToken.None);
        foreach (var entry in await DueAsync())
        {
            await Store.MarkDoneAsync(entry, new PublishReceipt(41, null), CancellationToken.None);
        }

        var again = await ScheduleAndStartAsync(Job(), regrade: true);
        var queued = (await DueAsync()).Single();
        await Store.MarkDoneAsync(queued, new PublishReceipt(41, null), CancellationToken.None);
        await Store.CompleteJobWithResultAsync(job.JobKey, new OutboxResult(Graded() with { Title = "Passed: 95/100" }, PostReview: true), CancellationToken.None);
        var result = (await DueAsync()).Single();

        Assert.Multiple(() =>
        {
            Assert.That(again.Run, Is.EqualTo(2));
            Assert.That(queued.Publication.Key, Is.EqualTo(again.PublicationKey(PublicationKind.QueuedCheckRun)));
            Assert.That(queued.Publication.CheckRunId, Is.EqualTo(41), "the run's check run is known: nothing to create");
            Assert.That(result.Publication.Key, Is.EqualTo(again.PublicationKey(PublicationKind.Result)));
            Assert.That(result.Publication.Result!.Title, Is.EqualTo("Passed: 95/100"));
        });
    }

    private static bool SameResult(PublishableResult a, PublishableResult b) =>
        a with { Annotations = [] } == b with { Annotations = [] } && a.Annotations.SequenceEqual(b.Annotations);

    private Task<object?> Scalar(string sql) => StoreTestDatabases.ScalarAsync(Database, sql);

    [Test]
    public async Task TryStartJobAsync_RunningJobAtItsAttemptOrDeathLimit_NotStartedAndNothingCounted()
    {
        var job = await ScheduleAndStartAsync(Job("aaaa"));
        var other = await ScheduleAndStartAsync(Job("bbbb") with { JobKey = GradingJobRecord.KeyFor("course/lab", 3, "bbbb"), PullRequest = new PullRequestRef(11, "course/lab", 3) });
        await Store.RecordWorkerDeathAsync(other.JobKey, CancellationToken.None);

        var again = await Store.TryStartJobAsync(job.JobKey, CancellationToken.None, maxAttempts: 2, maxWorkerDeaths: 1);
        var atAttemptLimit = await Store.TryStartJobAsync(job.JobKey, CancellationToken.None, maxAttempts: 2, maxWorkerDeaths: 1);
        var atDeathLimit = await Store.TryStartJobAsync(other.JobKey, CancellationToken.None, maxAttempts: 2, maxWorkerDeaths: 1);

        Assert.Multiple(async () =>
        {
            Assert.That(again?.Attempts, Is.EqualTo(2), "a second attempt of an interrupted running job is allowed");
            Assert.That(atAttemptLimit, Is.Null);
            Assert.That(atDeathLimit, Is.Null);
            Assert.That((await Store.GetJobAsync(job.JobKey, CancellationToken.None))!.Attempts, Is.EqualTo(2), "a refused start counts no attempt");
            Assert.That((await Store.GetJobAsync(other.JobKey, CancellationToken.None))!.State, Is.EqualTo(JobState.Running));
        });
    }

    [Test]
    public async Task TryStartJobAsync_ClaimedByAHangfireJob_OnlyThatHangfireJobStartsItAgain()
    {
        var job = Job("aaaa");
        await Store.ScheduleJobAsync(job, regrade: false, supersedeOthers: true, CancellationToken.None);

        var claimed = await Store.TryStartJobAsync(job.JobKey, CancellationToken.None, hangfireJobId: "hf-1");
        var stray = await Store.TryStartJobAsync(job.JobKey, CancellationToken.None, hangfireJobId: "hf-2");
        var owner = await Store.TryStartJobAsync(job.JobKey, CancellationToken.None, hangfireJobId: "hf-1");

        Assert.Multiple(async () =>
        {
            Assert.That(claimed?.HangfireJobId, Is.EqualTo("hf-1"), "the first Hangfire job to start a queued job claims it");
            Assert.That(stray, Is.Null, "another Hangfire job never starts it beside its owner");
            Assert.That(owner?.Attempts, Is.EqualTo(2), "its owner, re-queued after its runner died, starts it again");
            Assert.That((await Store.GetJobAsync(job.JobKey, CancellationToken.None))!.HangfireJobId, Is.EqualTo("hf-1"));
        });
    }

    [Test]
    public async Task ScheduleJobAsync_RegradeOfACompletedJob_ItsNextHangfireJobClaimsIt()
    {
        var job = Job("aaaa");
        await Store.ScheduleJobAsync(job, regrade: false, supersedeOthers: true, CancellationToken.None);
        await Store.TryStartJobAsync(job.JobKey, CancellationToken.None, hangfireJobId: "hf-1");
        await Store.CompleteJobWithResultAsync(job.JobKey, new OutboxResult(Graded(), PostReview: true), CancellationToken.None);

        Assert.That((await Store.ScheduleJobAsync(job, regrade: true, supersedeOthers: true, CancellationToken.None)).Queued, Is.True);
        var requeued = await Store.GetJobAsync(job.JobKey, CancellationToken.None);
        var started = await Store.TryStartJobAsync(job.JobKey, CancellationToken.None, hangfireJobId: "hf-2");

        Assert.Multiple(() =>
        {
            Assert.That(requeued!.HangfireJobId, Is.Null, "the last run's Hangfire job is no claim on the next run");
            Assert.That(started?.HangfireJobId, Is.EqualTo("hf-2"));
        });
    }

    [Test]
    public async Task ReassignHangfireJobAsync_ClaimChangedMeanwhile_RefusedAndTheNewHangfireJobCannotStartIt()
    {
        var job = Job("aaaa");
        await Store.ScheduleJobAsync(job, regrade: false, supersedeOthers: true, CancellationToken.None);

        var handed = await Store.ReassignHangfireJobAsync(job.JobKey, expected: null, "hf-reconciled", CancellationToken.None);
        var late = await Store.ReassignHangfireJobAsync(job.JobKey, expected: null, "hf-late", CancellationToken.None);
        var original = await Store.TryStartJobAsync(job.JobKey, CancellationToken.None, hangfireJobId: "hf-original");
        var late2 = await Store.TryStartJobAsync(job.JobKey, CancellationToken.None, hangfireJobId: "hf-late");
        var reconciled = await Store.TryStartJobAsync(job.JobKey, CancellationToken.None, hangfireJobId: "hf-reconciled");
        var afterDeath = await Store.ReassignHangfireJobAsync(job.JobKey, expected: "hf-reconciled", "hf-next", CancellationToken.None);

        Assert.Multiple(() =>
        {
            Assert.That((handed, late), Is.EqualTo((true, false)), "handed once: a second hand-over saw a claim that is gone");
            Assert.That(original, Is.Null, "the lost Hangfire job, had it survived, no longer starts it");
            Assert.That(late2, Is.Null);
            Assert.That(reconciled?.Attempts, Is.EqualTo(1));
            Assert.That(afterDeath, Is.True, "a running job whose Hangfire job is gone is handed on from the claim seen");
        });
    }

    [Test]
    public async Task ScheduleJobAsync_NewHeadWhileTheOldRuns_OldReturnedSupersededWithTheHangfireJobThatClaimedIt()
    {
        var old = Job("aaaa");
        await Store.ScheduleJobAsync(old, regrade: false, supersedeOthers: true, CancellationToken.None);
        await Store.TryStartJobAsync(old.JobKey, CancellationToken.None, hangfireJobId: "hf-old");

        var outcome = await Store.ScheduleJobAsync(Job("bbbb"), regrade: false, supersedeOthers: true, CancellationToken.None);
        var cancelled = await Store.CancelPullRequestJobsAsync(old.PullRequest.Repository, old.PullRequest.Number, CancellationToken.None);

        Assert.Multiple(async () =>
        {
            // The scheduler stops a superseded grading on whichever runner holds it through that Hangfire job.
            Assert.That(outcome.Superseded.Select(j => (j.JobKey, j.HangfireJobId)), Is.EqualTo(new[] { (old.JobKey, (string?)"hf-old") }));
            Assert.That((await Store.GetJobAsync(old.JobKey, CancellationToken.None))!.State, Is.EqualTo(JobState.Superseded));
            Assert.That(cancelled.Select(j => (j.HeadSha, j.State)), Is.EqualTo(new[] { ("bbbb", JobState.Cancelled) }), "closing the PR cancels the new head's job");
        });
    }
}
