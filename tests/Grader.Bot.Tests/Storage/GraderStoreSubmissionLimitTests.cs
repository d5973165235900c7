using Grader.Bot.Configuration;
using Grader.Bot.Storage;
using Grader.Bot.Tests.Support;
using Grader.Evidence.Database;
using Grader.GitHub.Publishing;

namespace Grader.Bot.Tests.Storage;

/// <summary>
/// The submission limit's token bucket as the store keeps it, in SQLite and PostgreSQL: a token per grading that
/// started, back one window later, back at once after a grader error; queued jobs of the learner's other pull requests
/// hold theirs; an instructor's run takes none; a deferred job is queued again only once its time has come.
/// </summary>
internal sealed class GraderStoreSubmissionLimitTests(DatabaseDialect dialect) : GraderStoreTestBase(dialect, Start)
{
    private static readonly DateTimeOffset Start = new(2026, 12, 2, 12, 0, 0, TimeSpan.Zero);
    private static readonly SubmissionLimit TwoPerHour = new(2, TimeSpan.FromHours(1));
    private static readonly PullRequestRef Pr2 = new(11, "course/lab", 2);

    private static GradingJobRecord Job(string sha, int number = 2, string learner = "Alice", bool exempt = false) =>
        StoreTestDatabases.Job(sha) with
        {
            JobKey = GradingJobRecord.KeyFor("course/lab", number, sha),
            PullRequest = new PullRequestRef(11, "course/lab", number),
            Learner = learner,
            LimitExempt = exempt,
        };

    private async Task GradeAsync(GradingJobRecord job, bool graderError = false)
    {
        Assert.That((await Store.ScheduleJobAsync(job, regrade: true, supersedeOthers: false, CancellationToken.None)).Queued, Is.True);
        Assert.That(await Store.TryStartJobAsync(job.JobKey, CancellationToken.None), Is.Not.Null);
        var result = new OutboxResult(new PublishableResult { Title = "t", Summary = "s", Conclusion = PublishConclusion.Success }, PostReview: false);
        var completed = graderError
            ? await Store.CompleteJobWithGraderErrorAsync(job.JobKey, result, CancellationToken.None)
            : await Store.CompleteJobWithResultAsync(job.JobKey, result, CancellationToken.None);
        Assert.That(completed, Is.True);
    }

    private Task<DateTimeOffset?> NextAsync(string learner = "alice", PullRequestRef? pr = null) =>
        Store.NextGradingAsync(learner, "lab", TwoPerHour, pr ?? Pr2, CancellationToken.None);

    [Test]
    public async Task NextGrading_BucketEmptied_FreeWhenTheOldestTokenComesBackOneWindowAfterItsStart()
    {
        await GradeAsync(Job("a1"));
        Time.Advance(TimeSpan.FromMinutes(10));
        var freeWithOneTaken = await NextAsync();
        await GradeAsync(Job("a2"));
        Time.Advance(TimeSpan.FromMinutes(5));

        var full = await NextAsync("ALICE");
        var otherLearner = await NextAsync("bob");
        Time.Advance(TimeSpan.FromMinutes(45));
        var afterTheFirstWindow = await NextAsync();

        Assert.Multiple(() =>
        {
            Assert.That(freeWithOneTaken, Is.Null);
            Assert.That(full, Is.EqualTo(Start + TimeSpan.FromHours(1)), "logins are matched ignoring case");
            Assert.That(otherLearner, Is.Null);
            Assert.That(afterTheFirstWindow, Is.Null);
        });
    }

    [Test]
    public async Task NextGrading_GraderErrorsAndInstructorRuns_TakeNoToken()
    {
        await GradeAsync(Job("a1"), graderError: true);
        await GradeAsync(Job("a2", exempt: true));
        await GradeAsync(Job("a3"));

        var oneTaken = await NextAsync();
        await GradeAsync(Job("a4"));
        var full = await NextAsync();

        Assert.Multiple(() =>
        {
            Assert.That(oneTaken, Is.Null);
            Assert.That(full, Is.EqualTo(Start + TimeSpan.FromHours(1)));
        });
    }

    [Test]
    public async Task NextGrading_RetriedAttemptAndRegradedRun_OneTokenPerRun()
    {
        var job = Job("a1");
        await Store.ScheduleJobAsync(job, regrade: false, supersedeOthers: false, CancellationToken.None);
        await Store.TryStartJobAsync(job.JobKey, CancellationToken.None);
        await Store.TryStartJobAsync(job.JobKey, CancellationToken.None);
        var afterTwoAttempts = await NextAsync();
        await Store.FinishJobAsync(job.JobKey, JobState.Failed, "boom", CancellationToken.None);
        Time.Advance(TimeSpan.FromMinutes(1));
        await GradeAsync(job);
        var afterTheRegrade = await NextAsync();

        Assert.Multiple(() =>
        {
            Assert.That(afterTwoAttempts, Is.Null, "a retry of the same run takes no second token");
            Assert.That(afterTheRegrade, Is.EqualTo(Start + TimeSpan.FromHours(1)), "a regrade is a new run: a new token");
        });
    }

    [Test]
    public async Task NextGrading_QueuedJobsOfOtherPullRequests_HoldTokensUntilTheyStart()
    {
        await Store.ScheduleJobAsync(Job("b1", number: 3), regrade: false, supersedeOthers: true, CancellationToken.None);
        await Store.ScheduleJobAsync(Job("c1", number: 4), regrade: false, supersedeOthers: true, CancellationToken.None);

        var heldByOthers = await NextAsync();
        var forPr4 = await NextAsync(pr: new PullRequestRef(11, "course/lab", 4));

        Assert.Multiple(() =>
        {
            Assert.That(heldByOthers, Is.EqualTo(Start + TimeSpan.FromHours(1)), "two queued elsewhere fill the bucket; none started, so a window from now");
            Assert.That(forPr4, Is.Null, "PR 4's own queued job is superseded by its new push: only PR 3's holds a token");
        });
    }

    [Test]
    public async Task ScheduleJob_DeferredJob_QueuedAgainOnlyOnceItsTimeHasCome()
    {
        var job = Job("a1");
        var until = Start + TimeSpan.FromMinutes(30);
        var notice = new OutboxResult(new PublishableResult { Title = "limit", Summary = "later", Conclusion = PublishConclusion.Neutral }, PostReview: false);
        Assert.That((await Store.ScheduleJobAsync(job, regrade: false, supersedeOthers: true, CancellationToken.None, new NotGraded(notice, until))).Queued, Is.True);
        var deferred = await Store.GetJobAsync(job.JobKey, CancellationToken.None);

        var early = await Store.ScheduleJobAsync(job, regrade: false, supersedeOthers: true, CancellationToken.None);
        Time.Advance(TimeSpan.FromMinutes(30));
        var due = await Store.ScheduleJobAsync(job, regrade: false, supersedeOthers: true, CancellationToken.None);
        var again = await Store.ScheduleJobAsync(job, regrade: false, supersedeOthers: true, CancellationToken.None);
        var queued = await Store.GetJobAsync(job.JobKey, CancellationToken.None);

        Assert.Multiple(() =>
        {
            Assert.That(deferred!.State, Is.EqualTo(JobState.Completed));
            Assert.That(deferred.DeferredUntil, Is.EqualTo(until));
            Assert.That(deferred.Attempts, Is.Zero);
            Assert.That(early.Queued, Is.False);
            Assert.That(due.Queued, Is.True);
            Assert.That(again.Queued, Is.False, "queued once: the deferral is cleared");
            Assert.That(queued!.State, Is.EqualTo(JobState.Queued));
            Assert.That(queued.DeferredUntil, Is.Null);
            Assert.That(queued.Run, Is.EqualTo(2), "a new run: its own queued check run and result");
        });
    }

    [Test]
    public async Task GetPendingDeferrals_TwoDeferredPushes_TheNewestUntilItsReleaseQueuesIt()
    {
        var until = Start + TimeSpan.FromMinutes(30);
        var notice = new OutboxResult(new PublishableResult { Title = "limit", Summary = "later", Conclusion = PublishConclusion.Neutral }, PostReview: false);
        foreach (var sha in new[] { "b1", "c1" })
        {
            await Store.ScheduleJobAsync(Job(sha), regrade: false, supersedeOthers: false, CancellationToken.None, new NotGraded(notice, until));
            Time.Advance(TimeSpan.FromMinutes(1));
        }

        var pending = await Store.GetPendingDeferralsAsync(CancellationToken.None);
        Time.Advance(TimeSpan.FromMinutes(30));
        await Store.ScheduleJobAsync(Job("c1"), regrade: false, supersedeOthers: true, CancellationToken.None);
        var released = await Store.GetPendingDeferralsAsync(CancellationToken.None);

        Assert.Multiple(() =>
        {
            Assert.That(pending.Select(j => j.HeadSha), Is.EqualTo(new[] { "c1" }));
            Assert.That(released, Is.Empty);
        });
    }
}
