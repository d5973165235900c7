using Grader.Bot.Storage;
using Grader.Bot.Tests.Support;

namespace Grader.Bot.Tests.Intake;

/// <summary>
/// A module with a submission limit of one grading per 30 seconds, graded by the real bot: a push over the limit is
/// acknowledged with a check run saying when the next grading is possible and is not graded; when that time comes the
/// delayed Hangfire release grades the pull request's newest commit once, and the pushes deferred before it never are.
/// The window is short so the test waits for the store's state rather than triggering anything early.
/// </summary>
internal sealed class SubmissionLimitIntakeTests : BotTestBase
{
    protected override string HelloCourseSettings => "submission_limit: { gradings: 1, per: 30s }";

    [Test]
    public async Task Synchronize_OverTheLimit_CheckRunSaysWhenAndTheNewestHeadIsGradedOnceThen()
    {
        using (await Host.PostAsync("pull_request", PullRequestEvent("opened")))
        {
        }

        // The first grading takes the token when it starts; the pushes below come while it runs.
        await WaitForJobStateAsync(HeadSha, JobState.Running);
        var deferredSha = await PushAsync(Scripts.Failing);
        using (await Host.PostAsync("pull_request", PullRequestEvent("synchronize", deferredSha)))
        {
        }

        var deferred = await WaitForDeferredAsync(deferredSha);
        var notice = await WaitForCompletedCheckRunAsync(deferredSha);
        var newestSha = await PushAsync(Scripts.Passing + " # again");
        using (await Host.PostAsync("pull_request", PullRequestEvent("synchronize", newestSha)))
        {
        }

        var newest = await WaitForDeferredAsync(newestSha);
        await WaitForCompletedCheckRunAsync(newestSha);
        Assert.Multiple(() =>
        {
            Assert.That(notice.Conclusion, Is.EqualTo("neutral"));
            Assert.That(notice.Title, Is.EqualTo("Not graded yet: submission limit reached"));
            var at = deferred.DeferredUntil!.Value.ToString("yyyy-MM-dd HH:mm:ss 'UTC'", System.Globalization.CultureInfo.InvariantCulture);
            Assert.That(notice.Summary, Is.EqualTo($"Submission limit: 1 grading per 30s; next grading possible at {at}; the newest commit pushed by then will be graded."));
            Assert.That(deferred.Attempts, Is.Zero, "not graded");
            Assert.That(newest.DeferredUntil, Is.EqualTo(deferred.DeferredUntil), "the same token comes back for both");
            Assert.That(Reviews().Where(r => r.CommitId == deferredSha || r.CommitId == newestSha), Is.Empty, "no review for a deferred push");
        });

        Assert.That(await JobAsync(HeadSha), Has.Property(nameof(GradingJobRecord.State)).Not.EqualTo(JobState.Superseded),
            "a deferred push leaves the grading that took the token alone");

        await Eventually.ThatAsync(() => JobAsync(newestSha), j => j is { State: JobState.Completed, Attempts: 1 }, "the newest head graded", TimeSpan.FromMinutes(3));
        await WaitForReviewAsync();
        await Eventually.ThatAsync(() => Task.FromResult(Reviews()), r => r.Count == 2, "the newest head's review");
        var graded = await JobAsync(newestSha);
        var skipped = await JobAsync(deferredSha);
        var releases = await Host.Store.GetDeliveryAsync(
            $"submission-limit/{Repository.FullName}#{PullNumber}/{deferred.DeferredUntil!.Value.ToUnixTimeMilliseconds()}", CancellationToken.None);
        var checkRun = await WaitForCompletedCheckRunAsync(newestSha);
        Assert.Multiple(() =>
        {
            Assert.That(releases?.State, Is.EqualTo(DeliveryState.Processed), "two releases to the same time: one delivery");
            Assert.That(graded!.Run, Is.EqualTo(2), "the deferred run, then one grading");
            Assert.That(graded.DeferredUntil, Is.Null);
            Assert.That(checkRun.Conclusion, Is.EqualTo("success"));
            Assert.That(checkRun.StatusHistory.Count(s => s == "completed"), Is.EqualTo(2), "the notice, then the grading, on one check run");
            Assert.That(skipped!.Attempts, Is.Zero, "the push deferred before the newest is never graded");
            Assert.That(skipped.State, Is.EqualTo(JobState.Completed));
            Assert.That(CheckRun(deferredSha)!.StatusHistory.Count(s => s == "completed"), Is.EqualTo(1), "nothing posted twice for it");
        });
    }

    private Task<GradingJobRecord> WaitForDeferredAsync(string sha) =>
        Eventually.ThatAsync(() => JobAsync(sha), j => j is { State: JobState.Completed, DeferredUntil: not null, HangfireJobId: not null }, "deferred by the limit")!;
}
