using System.Net;
using Grader.Bot.Storage;
using Grader.Bot.Tests.Support;

namespace Grader.Bot.Tests.Hostile;

/// <summary>
/// A grading whose worker process dies (here: SIGKILL, as the kernel's OOM killer or a stack overflow ends it) costs
/// that attempt only: the bot keeps acknowledging and grading other pull requests, removes what the dead worker left
/// in Docker, retries, and after <c>bot.worker.max_deaths</c> deaths ends the job as a grader error instead of looping.
/// </summary>
[Category("Hostile")]
[Category("Docker")]
internal sealed class WorkerDeathTests : BotTestBase
{
    protected override void Configure(Dictionary<string, string?> settings)
    {
        // Two gradings at once, so another PR is graded while the poisoned one is retried.
        settings["Grader:Bot:WorkerCount"] = "2";
        settings["Grader:Bot:Retry:Attempts"] = "3";
        settings["Grader:Bot:Worker:MaxDeaths"] = "2";
    }

    [Test]
    public async Task Grade_WorkerKilledOnEveryAttempt_GraderErrorAfterMaxDeathsWhileAnotherPullRequestIsGraded()
    {
        var poisoned = await PushAsync(Scripts.Blocking);
        using (var opened = await Host.PostAsync("pull_request", PullRequestEvent("opened", poisoned)))
        {
            Assert.That(opened.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        }

        var firstContainer = await WaitForRunningTestContainerAsync(poisoned);
        var firstWorker = await WorkerProcesses.WaitForAsync(JobKey(poisoned));
        WorkerProcesses.Kill(firstWorker);

        // Intake, dispatcher and outbox carry on: another learner's PR is acknowledged and graded meanwhile.
        var other = await PushAsync(Scripts.Passing, number: 3);
        HttpStatusCode otherAck;
        using (var response = await Host.PostAsync("pull_request", PullRequestEvent("opened", other, number: 3)))
        {
            otherAck = response.StatusCode;
        }

        await Eventually.ThatAsync(async () => (await RunnerContainersAsync()).Any(c => c.ID == firstContainer), present => !present,
            "the killed attempt's test container removed by the bot");
        await Eventually.ThatAsync(() => JobAsync(poisoned), job => job?.WorkerDeaths == 1, "the first death counted");
        await WaitForRunningTestContainerAsync(poisoned);
        var secondWorker = await WorkerProcesses.WaitForAsync(JobKey(poisoned), except: firstWorker);
        WorkerProcesses.Kill(secondWorker);

        var job = await WaitForJobStateAsync(poisoned, JobState.Completed);
        var checkRun = await WaitForCompletedCheckRunAsync(poisoned);
        var otherJob = await WaitForJobStateAsync(other, JobState.Completed, number: 3);
        var otherRun = await WaitForCompletedCheckRunAsync(other);
        await WaitForReviewAsync(3);
        await Eventually.ThatAsync(async () => (await RunnerContainersAsync()).Count, count => count == 0, "nothing of this runner left in Docker");
        Assert.Multiple(() =>
        {
            Assert.That(otherAck, Is.EqualTo(HttpStatusCode.OK), "a delivery while the worker was dead was acknowledged");
            Assert.That(job!.WorkerDeaths, Is.EqualTo(2));
            Assert.That(job.Attempts, Is.EqualTo(2), "no attempt after the second death, though retries were left");
            Assert.That(checkRun.Conclusion, Is.EqualTo("neutral"), "a dead worker is a grader error, never a low score");
            Assert.That(checkRun.Summary, Does.Contain("not a problem with your submission"));
            Assert.That(checkRun.Text, Does.Contain("died of signal 9").And.Contain("grading worker died 2 time(s)"));
            Assert.That(Reviews(), Is.Empty, "no review for a grader error");
            Assert.That(otherJob!.Attempts, Is.EqualTo(1));
            Assert.That(otherRun.Conclusion, Is.EqualTo("success"));
            Assert.That(Reviews(3).Select(r => r.CommitId), Is.EqualTo(new[] { other }));
            Assert.That(WorkerProcesses.Of(JobKey(poisoned)).Concat(WorkerProcesses.Of(JobKey(other, 3))), Is.Empty, "no worker process left");
        });
    }
}
