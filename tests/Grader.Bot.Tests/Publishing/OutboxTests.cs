using Grader.Bot.Storage;
using Grader.Bot.Tests.Support;

namespace Grader.Bot.Tests.Publishing;

internal sealed class OutboxTests : BotTestBase
{
    [Test]
    public async Task Publish_GitHubFailsSeveralTimes_ResultKeptAndPublishedOnceLater()
    {
        Publisher.FailNext(4);

        using (await Host.PostAsync("pull_request", WebhookFixtures.PullRequest("opened")))
        {
        }

        await WaitForJobStateAsync(WebhookFixtures.HeadSha, JobState.Completed);
        await Eventually.ThatAsync(() => Publisher.Of("review").Any(), "review posted after failures");
        await Eventually.ThatAsync(() => Host.Store.CountPendingOutboxAsync(CancellationToken.None), n => n == 0, "outbox drained");
        Assert.That(Publisher.Of("review").Count(), Is.EqualTo(1));
        Assert.That(Publisher.Of("completed").Count(), Is.EqualTo(1));
    }

    [Test]
    public async Task Restart_ResultNotYetPublished_PublishedByNextProcess()
    {
        Publisher.FailNext(int.MaxValue);
        using (await Host.PostAsync("pull_request", WebhookFixtures.PullRequest("opened")))
        {
        }

        await WaitForJobStateAsync(WebhookFixtures.HeadSha, JobState.Completed);
        Assert.That(await Host.Store.CountPendingOutboxAsync(CancellationToken.None), Is.GreaterThan(0));

        await RestartAsync(whileStopped: () => Publisher.FailNext(0));

        await Eventually.ThatAsync(() => Publisher.Of("review").Any(), "review posted by the next process");
        Assert.That(Publisher.Of("review").Count(), Is.EqualTo(1));
    }
}
