using Grader.Bot.Configuration;
using Grader.Bot.Storage;
using Grader.Bot.Tests.Support;

namespace Grader.Bot.Tests.Intake;

internal sealed class PullRequestIntakeTests : BotTestBase
{
    [Test]
    public async Task Opened_GradedRepository_QueuedCheckRunThenCompletedAndReview()
    {
        using (await Host.PostAsync("pull_request", WebhookFixtures.PullRequest("opened")))
        {
        }

        var job = await WaitForJobStateAsync(WebhookFixtures.HeadSha, JobState.Completed);
        await Eventually.ThatAsync(() => Publisher.Of("review").Any(), "review posted");
        Assert.That(job!.Queue, Is.EqualTo(JobQueues.Cpu));
        Assert.That(job.RubricPath, Is.EqualTo("/rubrics/hello/rubric.yaml"));
        Assert.That(job.HiddenTestsPath, Is.EqualTo("/rubrics/hello/hidden"));
        var calls = Publisher.Calls.Select(c => c.Call).Where(c => c != "progress").ToList();
        Assert.That(calls, Is.EqualTo(new[] { "queued", "completed", "review" }));
    }

    [Test]
    public async Task Opened_Draft_Skipped()
    {
        using (await Host.PostAsync("pull_request", WebhookFixtures.PullRequest("opened", draft: true), "draft-1"))
        {
        }

        var delivery = await Eventually.ThatAsync(
            () => Host.Store.GetDeliveryAsync("draft-1", CancellationToken.None), d => d?.State == DeliveryState.Processed, "draft interpreted");
        Assert.That(await JobAsync(WebhookFixtures.HeadSha), Is.Null);
        Assert.That(delivery, Is.Not.Null);
    }

    [Test]
    public async Task Opened_DraftWithGraderFileAllowingDrafts_Graded()
    {
        Gateway.DefaultBranchFiles[".grader.yml"] = "grade_drafts: true\nrubric: hello-gpu\n";

        using (await Host.PostAsync("pull_request", WebhookFixtures.PullRequest("opened", draft: true)))
        {
        }

        var job = await WaitForJobStateAsync(WebhookFixtures.HeadSha, JobState.Queued);
        // The gpu rubric goes to the gpu queue, which this test runner does not serve: it stays queued.
        Assert.That(job!.Queue, Is.EqualTo(JobQueues.Gpu));
        Assert.That(job.RubricName, Is.EqualTo("hello-gpu"));
    }

    [Test]
    public async Task Opened_GraderFileDisablesGrading_NoJob()
    {
        Gateway.DefaultBranchFiles[".grader.yml"] = "enabled: false\n";

        using (await Host.PostAsync("pull_request", WebhookFixtures.PullRequest("opened"), "disabled-1"))
        {
        }

        await Eventually.ThatAsync(
            () => Host.Store.GetDeliveryAsync("disabled-1", CancellationToken.None), d => d?.State == DeliveryState.Processed, "interpreted");
        Assert.That(await JobAsync(WebhookFixtures.HeadSha), Is.Null);
    }

    [Test]
    public async Task Opened_RepositoryNotInConfig_NoJob()
    {
        var payload = WebhookFixtures.PullRequest("opened");
        payload["repository"]!["full_name"] = "someone-else/project";

        using (await Host.PostAsync("pull_request", payload, "other-1"))
        {
        }

        await Eventually.ThatAsync(
            () => Host.Store.GetDeliveryAsync("other-1", CancellationToken.None), d => d?.State == DeliveryState.Processed, "interpreted");
        Assert.That(await Host.Store.GetPullRequestJobsAsync("someone-else/project", 2, CancellationToken.None), Is.Empty);
    }

    [Test]
    public async Task Closed_WhileGrading_RunningJobCancelled()
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
        using (await Host.PostAsync("pull_request", WebhookFixtures.Load("pull_request/closed.payload.json")))
        {
        }

        await WaitForJobStateAsync(WebhookFixtures.HeadSha, JobState.Cancelled);
        await Eventually.ThatAsync(() => !Grader.Cancelled.IsEmpty, "grading saw the cancellation");
        await Eventually.ThatAsync(() => Publisher.Of("completed").Any(c => c.Detail == "cancelled"), "check run completed as cancelled");
        Assert.That(Publisher.Of("review"), Is.Empty);
    }
}
