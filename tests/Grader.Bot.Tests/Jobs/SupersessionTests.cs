using Grader.Bot.Storage;
using Grader.Bot.Tests.Support;

namespace Grader.Bot.Tests.Jobs;

internal sealed class SupersessionTests : BotTestBase
{
    [Test]
    public async Task Synchronize_NewHeadWhileOldRuns_RunningJobCancelledAndNewGradedWithTheOnlyReview()
    {
        var old = await PushAsync(Scripts.Blocking);
        using (await Host.PostAsync("pull_request", PullRequestEvent("opened", old)))
        {
        }

        await WaitForRunningTestsAsync();
        var head = await PushAsync(Scripts.Passing);
        using (await Host.PostAsync("pull_request", PullRequestEvent("synchronize", head)))
        {
        }

        await WaitForJobStateAsync(head, JobState.Completed);
        var oldRun = await WaitForCompletedCheckRunAsync(old);
        var newRun = await WaitForCompletedCheckRunAsync(head);
        await WaitForReviewAsync();
        await Eventually.ThatAsync(async () => (await RunnerContainersAsync()).Count, count => count == 0, "the old job's containers removed");
        Assert.Multiple(async () =>
        {
            Assert.That((await JobAsync(old))!.State, Is.EqualTo(JobState.Superseded));
            Assert.That(oldRun.StatusHistory.Last(), Is.EqualTo("completed"), "nothing reopened the stopped check run");
            Assert.That(oldRun.Conclusion, Is.EqualTo("neutral"));
            Assert.That(oldRun.Summary, Does.Contain("superseded by " + head));
            Assert.That(newRun.Conclusion, Is.EqualTo("success"));
            Assert.That(Reviews().Select(r => r.CommitId), Is.EqualTo(new[] { head }));
        });
    }

    [Test]
    public async Task Synchronize_TwoNewHeadsWhileWorkerBusy_QueuedJobDroppedWithoutRunning()
    {
        // Another PR's endless tests keep the only worker busy, so this PR's pushes wait in the queue.
        var busy = await PushAsync(Scripts.Blocking, number: 3);
        using (await Host.PostAsync("pull_request", PullRequestEvent("opened", busy, number: 3)))
        {
        }

        await WaitForRunningTestsAsync();
        var skipped = await PushAsync(Scripts.Failing);
        using (await Host.PostAsync("pull_request", PullRequestEvent("synchronize", skipped)))
        {
        }

        await WaitForJobStateAsync(skipped, JobState.Queued);
        var head = await PushAsync(Scripts.Passing);
        using (await Host.PostAsync("pull_request", PullRequestEvent("synchronize", head)))
        {
        }

        await WaitForJobStateAsync(skipped, JobState.Superseded);
        using (await Host.PostAsync("pull_request", Close(busy, number: 3)))
        {
        }

        await WaitForJobStateAsync(head, JobState.Completed);
        var skippedJob = await JobAsync(skipped);
        var skippedRun = await WaitForCompletedCheckRunAsync(skipped);
        Assert.Multiple(() =>
        {
            Assert.That(skippedJob!.Attempts, Is.Zero, "the superseded job never started");
            Assert.That(skippedRun.StatusHistory, Does.Not.Contain("in_progress"));
            Assert.That(skippedRun.Conclusion, Is.EqualTo("neutral"));
        });
    }
}
