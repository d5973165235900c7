using System.Text.Json.Nodes;
using Grader.Bot.Storage;
using Grader.Bot.Tests.Support;

namespace Grader.Bot.Tests.Intake;

/// <summary>
/// What is graded is the PR's head as GitHub reports it when a delivery is interpreted, never the payload's SHA:
/// deliveries late, duplicated, out of order or re-run for old commits all end with the head graded and reviewed once.
/// </summary>
internal sealed class HeadResolutionTests : BotTestBase
{
    [Test]
    public async Task Opened_LateForAncestorAfterSynchronizeForHead_HeadGradedAndReviewedOnceAncestorNeverScheduled()
    {
        var ancestor = await PushAsync(Scripts.Failing);
        var head = await PushAsync(Scripts.Passing + " # the fix");
        using (await Host.PostAsync("pull_request", PullRequestEvent("synchronize", head), "sync-head"))
        {
        }

        using (await Host.PostAsync("pull_request", PullRequestEvent("opened", ancestor), "late-opened"))
        {
        }

        await WaitForDeliveryProcessedAsync("late-opened");
        await WaitForJobStateAsync(head, JobState.Completed);
        var headRun = await WaitForCompletedCheckRunAsync(head);
        await WaitForReviewAsync();
        Assert.Multiple(async () =>
        {
            Assert.That(await JobAsync(ancestor), Is.Null, "the late delivery for the ancestor scheduled nothing");
            Assert.That(CheckRun(ancestor), Is.Null);
            Assert.That((await JobAsync(head))!.State, Is.EqualTo(JobState.Completed), "the head's job was not superseded");
            Assert.That(headRun.Conclusion, Is.EqualTo("success"));
            Assert.That(Reviews().Select(r => (r.CommitId, r.State)), Is.EqualTo(new[] { (head, "APPROVED") }));
        });
    }

    [Test]
    public async Task Deliveries_DuplicatedAndOutOfOrder_HeadGradedAndReviewedExactlyOnce()
    {
        var ancestor = await PushAsync(Scripts.Failing);
        var head = await PushAsync(Scripts.Passing + " # the fix");
        var synchronize = PullRequestEvent("synchronize", head);
        foreach (var (action, sha, id) in new[] { ("opened", ancestor, "d1"), ("synchronize", head, "d2"), ("reopened", ancestor, "d3"), ("ready_for_review", ancestor, "d4") })
        {
            using (await Host.PostAsync("pull_request", action == "synchronize" ? synchronize : PullRequestEvent(action, sha), id))
            {
            }
        }

        // GitHub's redelivery of d2: the same delivery id.
        using (await Host.PostAsync("pull_request", synchronize, "d2"))
        {
        }

        await WaitForJobStateAsync(head, JobState.Completed);
        await WaitForReviewAsync();
        // An old synchronize arriving after the head was graded and reviewed.
        using (await Host.PostAsync("pull_request", PullRequestEvent("synchronize", ancestor), "d5"))
        {
        }

        await WaitForDeliveryProcessedAsync("d5");
        var headRun = await WaitForCompletedCheckRunAsync(head);
        var jobs = await Host.Store.GetPullRequestJobsAsync(Repository.FullName, PullNumber, CancellationToken.None);
        Assert.Multiple(() =>
        {
            Assert.That(jobs.Select(j => (j.HeadSha, j.State, j.Attempts)), Is.EqualTo(new[] { (head, JobState.Completed, 1) }));
            Assert.That(Emulator.CheckRuns(Repository).Select(c => c.HeadSha), Is.EqualTo(new[] { head }));
            Assert.That(headRun.StatusHistory.Count(s => s == "completed"), Is.EqualTo(1));
            Assert.That(Reviews().Select(r => r.CommitId), Is.EqualTo(new[] { head }));
        });
    }

    [Test]
    public async Task CheckRunRerequested_OldCommitWhileHeadGrades_HeadKeepsItsJobAndReviewOldGetsItsCheckRunOnly()
    {
        var old = await PushAsync(Scripts.Failing);
        // The head's tests take long enough for the re-run to arrive while they run.
        var head = await PushAsync("sleep 8; " + Scripts.Passing);
        using (await Host.PostAsync("pull_request", PullRequestEvent("synchronize", head)))
        {
        }

        await WaitForRunningTestContainerAsync(head);
        using (await Host.PostAsync("check_run", Rerequested(old), "rerun-old"))
        {
        }

        await WaitForDeliveryProcessedAsync("rerun-old");
        var headJob = await WaitForJobStateAsync(head, JobState.Completed);
        var oldJob = await WaitForJobStateAsync(old, JobState.Completed);
        var headRun = await WaitForCompletedCheckRunAsync(head);
        var oldRun = await WaitForCompletedCheckRunAsync(old);
        await WaitForReviewAsync();
        Assert.Multiple(() =>
        {
            Assert.That(headJob!.Attempts, Is.EqualTo(1), "the head's job was neither cancelled nor restarted");
            Assert.That(headRun.StatusHistory.Last(), Is.EqualTo("completed"));
            Assert.That(headRun.Conclusion, Is.EqualTo("success"));
            Assert.That(oldJob!.PostsReview, Is.False);
            Assert.That(oldRun.Conclusion, Is.EqualTo("failure"), "the old commit was graded again, on its own check run");
            Assert.That(Reviews().Select(r => r.CommitId), Is.EqualTo(new[] { head }), "a review only for the head");
        });
    }

    private JsonObject Rerequested(string sha)
    {
        var payload = Address(WebhookFixtures.Load("check_run/rerequested.payload.json"));
        payload["check_run"]!["head_sha"] = sha;
        payload["check_run"]!["pull_requests"] = new JsonArray(new JsonObject { ["number"] = PullNumber });
        return payload;
    }

    private Task WaitForDeliveryProcessedAsync(string deliveryId) =>
        Eventually.ThatAsync(() => Host.Store.GetDeliveryAsync(deliveryId, CancellationToken.None), d => d?.State == DeliveryState.Processed, $"delivery {deliveryId} interpreted");
}
