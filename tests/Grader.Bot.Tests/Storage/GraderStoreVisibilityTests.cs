using Grader.Bot.Storage;
using Grader.Bot.Tests.Support;
using Grader.Evidence.Database;
using Grader.GitHub.Outbox;
using Grader.GitHub.Publishing;

namespace Grader.Bot.Tests.Storage;

/// <summary>
/// What the store keeps for visibility that changes after grading, in SQLite and PostgreSQL: published modules, each
/// grading's results per state, and the compare-and-set that enqueues an edit exactly once, with submission facts
/// (time, learner, base commit) kept as first recorded.
/// </summary>
internal sealed class GraderStoreVisibilityTests(DatabaseDialect dialect) : GraderStoreTestBase(dialect, Start)
{
    private static readonly DateTimeOffset Start = new(2026, 12, 3, 12, 0, 0, TimeSpan.Zero);

    private static PublishableResult Shown(string what) => new() { Title = "Passed", Summary = what, Conclusion = PublishConclusion.Success, ReviewBody = what };

    /// <summary>A grading of <paramref name="headSha"/> on pull request <paramref name="number"/> of course/lab.</summary>
    private static GradingJobRecord Job(int number, string headSha) => StoreTestDatabases.Job(headSha) with
    {
        JobKey = GradingJobRecord.KeyFor("course/lab", number, headSha),
        PullRequest = new PullRequestRef(11, "course/lab", number),
    };

    /// <summary>Grades <paramref name="job"/> to completion, keeping results per state that name its commit.</summary>
    private async Task GradedAsync(GradingJobRecord job)
    {
        await Store.ScheduleJobAsync(job, regrade: false, supersedeOthers: true, CancellationToken.None);
        await Store.TryStartJobAsync(job.JobKey, CancellationToken.None);
        var visible = new VisibleResults
        {
            PublishedMatters = true,
            ShownKey = VisibleResults.Key(false, false),
            Results = { [VisibleResults.Key(false, false)] = Shown(job.HeadSha), [VisibleResults.Key(false, true)] = Shown(job.HeadSha + " published") },
        };
        await Store.CompleteJobWithResultAsync(job.JobKey, new OutboxResult(Shown(job.HeadSha), PostReview: true), CancellationToken.None, visible);
    }

    private async Task<List<(int Number, string HeadSha, string? Kept)>> CandidatesAsync() =>
        [.. (await Store.GetVisibilityCandidatesAsync("lab", CancellationToken.None))
            .Select(c => (c.Job.PullRequest.Number, c.Job.HeadSha, c.Visible.Results[VisibleResults.Key(false, false)].ReviewBody))];

    [Test]
    public async Task PublishModuleAsync_Twice_PublishedOnce()
    {
        var first = await Store.PublishModuleAsync("lab", CancellationToken.None);
        var second = await Store.PublishModuleAsync("lab", CancellationToken.None);

        Assert.Multiple(async () =>
        {
            Assert.That((first, second), Is.EqualTo((true, false)));
            Assert.That(await Store.IsModulePublishedAsync("lab", CancellationToken.None), Is.True);
            Assert.That(await Store.IsModulePublishedAsync("other", CancellationToken.None), Is.False);
        });
    }

    [Test]
    public async Task RefreshVisibilityAsync_SameMoveTwice_OneEditInTheOutbox()
    {
        var job = StoreTestDatabases.Job("aaaa") with { SubmittedAt = new DateTimeOffset(2026, 12, 1, 9, 0, 0, TimeSpan.Zero), Learner = "alice", BaseSha = "bbbb" };
        await Store.ScheduleJobAsync(job, regrade: false, supersedeOthers: true, CancellationToken.None);
        await Store.TryStartJobAsync(job.JobKey, CancellationToken.None);
        var visible = new VisibleResults
        {
            PublishedMatters = true,
            ShownKey = VisibleResults.Key(false, false),
            Results = { [VisibleResults.Key(false, false)] = Shown("before"), [VisibleResults.Key(false, true)] = Shown("after") },
        };
        await Store.CompleteJobWithResultAsync(job.JobKey, new OutboxResult(Shown("before"), PostReview: true), CancellationToken.None, visible);

        var (candidate, kept, shown) = (await Store.GetVisibilityCandidatesAsync("lab", CancellationToken.None)).Single();
        var edit = Publication.ForVisibility("edit-1", candidate.PublishTarget, kept.Results[kept.KeyFor(false, true)]);
        var moved = await Store.RefreshVisibilityAsync(job.JobKey, shown, kept.KeyFor(false, true), edit, CancellationToken.None);
        var movedAgain = await Store.RefreshVisibilityAsync(job.JobKey, shown, kept.KeyFor(false, true), edit with { Key = "edit-2" }, CancellationToken.None);
        var edits = (await Store.ClaimDueAsync(DateTimeOffset.MaxValue, 100, CancellationToken.None)).Where(e => e.Publication.Kind == PublicationKind.VisibilityUpdate).ToList();

        Assert.Multiple(() =>
        {
            Assert.That(candidate.SubmittedAt, Is.EqualTo(job.SubmittedAt));
            Assert.That((candidate.Learner, candidate.BaseSha), Is.EqualTo(("alice", "bbbb")));
            Assert.That(shown, Is.EqualTo(VisibleResults.Key(false, false)));
            Assert.That((moved, movedAgain), Is.EqualTo((true, false)), "the second move finds the state changed already");
            Assert.That(edits.Select(e => e.Publication.Result!.ReviewBody), Is.EqualTo(new[] { "after" }));
        });
    }

    [Test]
    public async Task ScheduleJobAsync_LaterEventForTheSameCommit_KeepsTheEarliestSubmissionTime()
    {
        var early = new DateTimeOffset(2026, 12, 1, 9, 0, 0, TimeSpan.Zero);
        var job = StoreTestDatabases.Job("aaaa") with { SubmittedAt = early.AddHours(2) };
        await Store.ScheduleJobAsync(job, regrade: false, supersedeOthers: true, CancellationToken.None);
        await Store.ScheduleJobAsync(job with { SubmittedAt = early }, regrade: false, supersedeOthers: true, CancellationToken.None);
        await Store.ScheduleJobAsync(job with { SubmittedAt = early.AddDays(1) }, regrade: false, supersedeOthers: true, CancellationToken.None);

        Assert.That((await Store.GetJobAsync(job.JobKey, CancellationToken.None))!.SubmittedAt, Is.EqualTo(early));
    }

    [Test]
    public async Task GetVisibilityCandidatesAsync_OlderGradingOfTheSamePullRequest_NotReturned()
    {
        await GradedAsync(Job(2, "a1"));
        Time.Advance(TimeSpan.FromMinutes(1));
        await GradedAsync(Job(3, "c1"));
        Time.Advance(TimeSpan.FromMinutes(1));
        await GradedAsync(Job(2, "a2"));

        var candidates = await CandidatesAsync();

        Assert.That(candidates, Is.EquivalentTo(new[] { (2, "a2", "a2"), (3, "c1", "c1") }), "each pull request's newest grading, with its own results");
    }

    [Test]
    public async Task GetVisibilityCandidatesAsync_OlderGradingOfTheSamePullRequest_ItsResultsAreNotRead()
    {
        await GradedAsync(Job(2, "a1"));
        Time.Advance(TimeSpan.FromMinutes(1));
        await GradedAsync(Job(2, "a2"));
        // Results no reader could parse: reading them would throw.
        await StoreTestDatabases.ScalarAsync(Database, "UPDATE jobs SET visible_results = 'not JSON' WHERE head_sha = 'a1'");

        var candidates = await CandidatesAsync();

        Assert.That(candidates, Is.EqualTo(new[] { (2, "a2", "a2") }));
    }

    [Test]
    public async Task GetVisibilityCandidatesAsync_TwoGradingsOfAPullRequestAtTheSameTime_TheLaterKey()
    {
        // The same updated_at and created_at (a fake clock that did not move): the tie goes by job key, never where a row
        // happens to sit in the table.
        await GradedAsync(Job(2, "a1"));
        await GradedAsync(Job(2, "a2"));

        var candidates = await CandidatesAsync();

        Assert.That(candidates, Is.EqualTo(new[] { (2, "a2", "a2") }));
    }
}
