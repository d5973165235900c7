using Grader.Bot.Storage;
using Grader.Bot.Tests.Support;
using Grader.Testing.GitHub;

namespace Grader.Bot.Tests.Publishing;

internal sealed class OutboxTests : BotTestBase
{
    private string ReviewsPath => $"/repos/{Repository.FullName}/pulls/{PullNumber}/reviews";
    private string CheckRunsPath => $"/repos/{Repository.FullName}/check-runs";

    [TestCase(FaultKind.ServerError)]
    [TestCase(FaultKind.TooManyRequests)]
    [TestCase(FaultKind.SecondaryRateLimit)]
    public async Task Publish_GitHubRefusesSeveralTimes_ResultKeptAndPublishedOnceLater(FaultKind fault)
    {
        Emulator.InjectFault(new Fault("POST", ReviewsPath, fault, Count: 4, RetryAfter: TimeSpan.FromSeconds(1)));
        Emulator.InjectFault(new Fault("PATCH", CheckRunsPath, fault, Count: 2, RetryAfter: TimeSpan.FromSeconds(1)));

        using (await Host.PostAsync("pull_request", PullRequestEvent("opened")))
        {
        }

        await WaitForJobStateAsync(HeadSha, JobState.Completed);
        await WaitForReviewAsync();
        await Eventually.ThatAsync(() => Host.Store.CountPendingOutboxAsync(CancellationToken.None), n => n == 0, "outbox drained");
        var refused = Emulator.Requests(ReviewsPath).Count(r => r.Method == "POST" && r.Status >= 400);
        Assert.Multiple(() =>
        {
            Assert.That(refused, Is.EqualTo(4), "every injected refusal was met");
            Assert.That(Reviews(), Has.Count.EqualTo(1));
            Assert.That(CheckRun(HeadSha)!.Conclusion, Is.EqualTo("success"));
        });
    }

    [Test]
    public async Task Restart_ResultNotYetPublished_PublishedByNextProcess()
    {
        Emulator.InjectFault(new Fault("POST", ReviewsPath, FaultKind.ServerError, Count: int.MaxValue));
        using (await Host.PostAsync("pull_request", PullRequestEvent("opened")))
        {
        }

        await WaitForJobStateAsync(HeadSha, JobState.Completed);
        await Eventually.ThatAsync(() => Host.Store.CountPendingOutboxAsync(CancellationToken.None), n => n > 0, "result waiting in the outbox");

        await RestartAsync(whileStopped: Emulator.ClearFaults);

        await WaitForReviewAsync();
        Assert.That(Reviews(), Has.Count.EqualTo(1));
        Assert.That(Reviews().Single().CommitId, Is.EqualTo(HeadSha));
    }
}
