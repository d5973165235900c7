using Grader.Bot.Storage;
using Grader.Bot.Tests.Support;
using Grader.Testing.GitHub;

namespace Grader.Bot.Tests.Publishing;

internal sealed class OutboxTests : BotTestBase
{
    // A request GitHub holds without answering is given up on after this (the tests' stored-then-silent fault).
    protected override void Configure(Dictionary<string, string?> settings) =>
        settings["Grader:GitHub:Resilience:AttemptTimeout"] = "00:00:05";

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

    [TestCase(FaultKind.StoredThenBadGateway)]
    [TestCase(FaultKind.StoredThenConnectionReset)]
    [TestCase(FaultKind.StoredThenTimeout)]
    public async Task Publish_GitHubStoresTheCreatesButTheAnswersAreLost_OneCompletedCheckRunAndOneReview(FaultKind fault)
    {
        // The queued check run, the completion carrying its annotation, and the review: each stored, its answer lost.
        Emulator.InjectFault(new Fault("POST", CheckRunsPath, fault, Count: 1));
        Emulator.InjectFault(new Fault("PATCH", CheckRunsPath + "/", fault, Count: 1, BodyContains: "\"annotations\""));
        Emulator.InjectFault(new Fault("POST", ReviewsPath, fault, Count: 1));

        using (await Host.PostAsync("pull_request", PullRequestEvent("opened")))
        {
        }

        await WaitForJobStateAsync(HeadSha, JobState.Completed);
        await WaitForReviewAsync();
        await Eventually.ThatAsync(() => Host.Store.CountPendingOutboxAsync(CancellationToken.None), n => n == 0, "outbox drained");
        var runs = Emulator.CheckRuns(Repository).Where(r => r.HeadSha == HeadSha).ToList();
        Assert.Multiple(() =>
        {
            Assert.That(Emulator.PendingFaults().Where(f => f.PathPrefix.StartsWith($"/repos/{Repository.FullName}/", StringComparison.Ordinal)), Is.Empty,
                "every injected fault was met");
            Assert.That(runs, Has.Count.EqualTo(1), "no second check run left queued beside the first");
            Assert.That(runs.Single().Status, Is.EqualTo("completed"));
            Assert.That(runs.Single().Conclusion, Is.EqualTo("success"));
            Assert.That(runs.Single().Annotations.Select(a => (string?)a["path"]), Is.EqualTo(new[] { "Dockerfile" }), "the annotation stored once");
            Assert.That(Reviews(), Has.Count.EqualTo(1), "one APPROVED review, not two");
            Assert.That(Reviews().Single().State, Is.EqualTo("APPROVED"));
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
