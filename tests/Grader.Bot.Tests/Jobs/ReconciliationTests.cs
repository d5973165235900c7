using Grader.Bot.Intake;
using Grader.Bot.Storage;
using Grader.Bot.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Grader.Bot.Tests.Jobs;

internal sealed class ReconciliationTests : BotTestBase
{
    [Test]
    public async Task Restart_JobRunningWhenStopped_ReEnqueuedAndGradedOnce()
    {
        // Tests slow enough that the stop comes while they run.
        var head = await PushAsync("sleep 3; " + Scripts.Passing);
        using (await Host.PostAsync("pull_request", PullRequestEvent("opened", head)))
        {
        }

        await WaitForJobStateAsync(head, JobState.Running);
        await RestartAsync();

        var job = await WaitForJobStateAsync(head, JobState.Completed);
        var checkRun = await WaitForCompletedCheckRunAsync(head);
        await WaitForReviewAsync();
        Assert.That(job!.Attempts, Is.EqualTo(2));
        Assert.That(checkRun.Conclusion, Is.EqualTo("success"));
        Assert.That(Reviews(), Has.Count.EqualTo(1));
    }

    [Test]
    public async Task Restart_JobQueuedOnUnservedQueue_StillQueuedInNewHangfire()
    {
        await Learner.CommitToDefaultBranchAsync(new Dictionary<string, string> { [CourseResolver.RepositoryFileName] = "rubric: hello-gpu\n" });
        using (await Host.PostAsync("pull_request", PullRequestEvent("opened")))
        {
        }

        var before = await WaitForJobStateAsync(HeadSha, JobState.Queued);
        // Scheduling records no Hangfire id (the Hangfire job claims the job when it starts): it waits in the gpu queue.
        await Eventually.ThatAsync(() => Task.FromResult(WaitingInGpuQueue()), keys => keys.Contains(before!.JobKey), "enqueued");
        Assert.That(before!.HangfireJobId, Is.Null);

        await RestartAsync();

        // The new process's in-memory Hangfire started empty: only reconciliation can have put the job there.
        var state = await Eventually.ThatAsync(
            async () =>
            {
                var job = await JobAsync(HeadSha);
                using var connection = Host.Services.GetRequiredService<Hangfire.JobStorage>().GetConnection();
                return job?.HangfireJobId is { } id ? connection.GetStateData(id)?.Name : null;
            },
            name => name == "Enqueued",
            "job enqueued in the new Hangfire");
        Assert.That(state, Is.EqualTo("Enqueued"));
        Assert.That((await JobAsync(HeadSha))!.State, Is.EqualTo(JobState.Queued));
        Assert.That(before!.Queue, Is.EqualTo("gpu"));
        Assert.That(WaitingInGpuQueue(), Is.EqualTo(new[] { before.JobKey }), "enqueued once");
    }

    /// <summary>The job keys of the grading jobs waiting in this process's Hangfire gpu queue.</summary>
    private List<string> WaitingInGpuQueue() =>
        [.. Host.Services.GetRequiredService<Hangfire.JobStorage>().GetMonitoringApi().EnqueuedJobs("gpu", 0, 100)
            .Select(j => j.Value.Job?.Args[0] as string).OfType<string>()];
}
