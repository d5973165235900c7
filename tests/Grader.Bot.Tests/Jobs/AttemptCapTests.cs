using Grader.Bot.Storage;
using Grader.Bot.Tests.Support;

namespace Grader.Bot.Tests.Jobs;

/// <summary>
/// Attempts are counted in SQLite, so restarts cannot reset them: a job that is running whenever the bot stops (as a
/// grading that brings the process down would be) is re-queued while it has attempts left and then ends as a grader
/// error, instead of being graded again on every start.
/// </summary>
internal sealed class AttemptCapTests : BotTestBase
{
    /// <summary>Two attempts in all.</summary>
    protected override void Configure(Dictionary<string, string?> settings) => settings["Grader:Bot:Retry:Attempts"] = "1";

    [Test]
    public async Task Restart_JobRunningOnItsLastAttempt_CompletedAsGraderErrorNotRequeued()
    {
        var head = await PushAsync(Scripts.Blocking);
        using (await Host.PostAsync("pull_request", PullRequestEvent("opened", head)))
        {
        }

        await WaitForRunningTestContainerAsync(head);
        await RestartAsync();
        // Attempts left: the reconciler put it back and it runs again.
        await Eventually.ThatAsync(() => JobAsync(head), job => job is { State: JobState.Running, Attempts: 2 }, "the second attempt started");
        await WaitForRunningTestContainerAsync(head);
        await RestartAsync();

        var job = await WaitForJobStateAsync(head, JobState.Completed);
        var checkRun = await WaitForCompletedCheckRunAsync(head);
        // The host still grades: a normal submission on another PR passes.
        var other = await PushAsync(Scripts.Passing, number: 3);
        using (await Host.PostAsync("pull_request", PullRequestEvent("opened", other, number: 3)))
        {
        }

        await WaitForJobStateAsync(other, JobState.Completed, number: 3);
        var otherRun = await WaitForCompletedCheckRunAsync(other);
        await Eventually.ThatAsync(async () => (await RunnerContainersAsync()).Count, count => count == 0, "nothing of this runner left in Docker");
        Assert.Multiple(async () =>
        {
            Assert.That(job!.Attempts, Is.EqualTo(2), "not started a third time");
            Assert.That(checkRun.Conclusion, Is.EqualTo("neutral"));
            Assert.That(checkRun.Text, Does.Contain("no further attempt: all 2 attempt(s) were used"));
            Assert.That(Reviews(), Is.Empty);
            Assert.That(WorkerProcesses.Of(JobKey(head)), Is.Empty, "no worker of the capped job runs");
            Assert.That((await JobAsync(head))!.Attempts, Is.EqualTo(2), "still two attempts after the host graded something else");
            Assert.That(otherRun.Conclusion, Is.EqualTo("success"));
        });
    }
}
