using Grader.Bot.Storage;
using Grader.Bot.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Grader.Bot.Tests.Jobs;

internal sealed class ReconciliationTests : BotTestBase
{
    [Test]
    public async Task Restart_JobRunningWhenStopped_ReEnqueuedAndGraded()
    {
        Grader.Behaviour = async (_, _, ct) =>
        {
            await Task.Delay(Timeout.Infinite, ct);
            return ScriptedGrader.Passed();
        };
        using (await Host.PostAsync("pull_request", WebhookFixtures.PullRequest("opened")))
        {
        }

        await WaitForJobStateAsync(WebhookFixtures.HeadSha, JobState.Running);
        await RestartAsync(whileStopped: () => Grader.Behaviour = (_, _, _) => Task.FromResult(ScriptedGrader.Passed()));

        var job = await WaitForJobStateAsync(WebhookFixtures.HeadSha, JobState.Completed);
        Assert.That(job!.Attempts, Is.EqualTo(2));
        await Eventually.ThatAsync(() => Publisher.Of("review").Any(), "review posted");
    }

    [Test]
    public async Task Restart_JobQueuedOnUnservedQueue_StillQueuedInNewHangfire()
    {
        Gateway.DefaultBranchFiles[".grader.yml"] = "rubric: hello-gpu\n";
        using (await Host.PostAsync("pull_request", WebhookFixtures.PullRequest("opened")))
        {
        }

        var before = await WaitForJobStateAsync(WebhookFixtures.HeadSha, JobState.Queued);
        await Eventually.ThatAsync(async () => (await JobAsync(WebhookFixtures.HeadSha))?.HangfireJobId, id => id is not null, "enqueued");

        await RestartAsync();

        // The new process's in-memory Hangfire started empty: only reconciliation can have put the job there.
        var state = await Eventually.ThatAsync(
            async () =>
            {
                var job = await JobAsync(WebhookFixtures.HeadSha);
                using var connection = Host.Services.GetRequiredService<Hangfire.JobStorage>().GetConnection();
                return job?.HangfireJobId is { } id ? connection.GetStateData(id)?.Name : null;
            },
            name => name == "Enqueued",
            "job enqueued in the new Hangfire");
        Assert.That(state, Is.EqualTo("Enqueued"));
        Assert.That((await JobAsync(WebhookFixtures.HeadSha))!.State, Is.EqualTo(JobState.Queued));
        Assert.That(before!.Queue, Is.EqualTo("gpu"));
    }
}
