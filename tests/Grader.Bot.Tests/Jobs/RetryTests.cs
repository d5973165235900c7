using Grader.Bot.Storage;
using Grader.Bot.Tests.Support;
using Grader.Runner;

namespace Grader.Bot.Tests.Jobs;

internal sealed class RetryTests : BotTestBase
{
    [Test]
    public async Task Grade_InfrastructureFailureThenSuccess_RetriedWithBackoffAndPublishedOnce()
    {
        var failures = 1;
        Grader.Behaviour = (_, _, _) => Interlocked.Decrement(ref failures) >= 0
            ? throw new GraderInfrastructureException("Docker engine unreachable")
            : Task.FromResult(ScriptedGrader.Passed());

        using (await Host.PostAsync("pull_request", WebhookFixtures.PullRequest("opened")))
        {
        }

        var job = await WaitForJobStateAsync(WebhookFixtures.HeadSha, JobState.Completed);
        Assert.That(job!.Attempts, Is.EqualTo(2));
        await Eventually.ThatAsync(() => Publisher.Of("review").Any(), "review posted");
        Assert.That(Publisher.Of("completed").Single().Detail, Is.EqualTo("success"));
    }

    [Test]
    public async Task Grade_LearnerFailure_NotRetried()
    {
        Grader.Behaviour = (_, _, _) => Task.FromResult(ScriptedGrader.LearnerFailed());

        using (await Host.PostAsync("pull_request", WebhookFixtures.PullRequest("opened")))
        {
        }

        var job = await WaitForJobStateAsync(WebhookFixtures.HeadSha, JobState.Completed);
        await Eventually.ThatAsync(() => Publisher.Of("review").Any(), "review posted");
        Assert.That(job!.Attempts, Is.EqualTo(1));
        Assert.That(Grader.Started, Has.Count.EqualTo(1));
        Assert.That(Publisher.Of("review").Single().Detail, Is.EqualTo("REQUEST_CHANGES"));
    }

    [Test]
    public async Task Grade_InfrastructureFailureEveryTime_GraderErrorAfterRetriesAndNoReview()
    {
        Grader.Behaviour = (_, _, _) => throw new GraderInfrastructureException("no GPU on this runner");

        using (await Host.PostAsync("pull_request", WebhookFixtures.PullRequest("opened")))
        {
        }

        // Retry:Attempts is 2 in the test host: three attempts in all.
        var job = await WaitForJobStateAsync(WebhookFixtures.HeadSha, JobState.Completed);
        await Eventually.ThatAsync(() => Publisher.Of("completed").Any(), "check run completed");
        Assert.That(job!.Attempts, Is.EqualTo(3));
        Assert.That(Publisher.Of("completed").Single().Detail, Is.EqualTo("neutral"));
        Assert.That(Publisher.Of("review"), Is.Empty);
    }
}
