using Grader.GitHub.Outbox;
using Grader.GitHub.Publishing;
using Grader.GitHub.Tests.Support;
using Grader.Testing.GitHub;

namespace Grader.GitHub.Tests.Resilience;

/// <summary>GitHub failing or throttling while a result is published: the result is delayed, never lost.</summary>
public sealed class PublishUnderFaultsTests : PrismValidatedTest
{
    private static PublishableResult Result() => new()
    {
        Title = "Passed: 90/100",
        Summary = "90 of 100 points.",
        Conclusion = PublishConclusion.Success,
        ReviewBody = "Well done.",
        Annotations = [new PublishAnnotation("train.py", 3, 3, PublishAnnotationLevel.Notice, "consider fp16")],
    };

    private static async Task<(GitHubClientHarness Harness, long CheckRunId)> StartedAsync(GitHubTestEnvironment github)
    {
        var harness = GitHubClientHarness.Create(github);
        var id = await harness.Get<GradingPublisher>().StartAsync(harness.Target(), null, CancellationToken.None);
        return (harness, id);
    }

    private static void AssertPublished(GitHubClientHarness harness)
    {
        var run = harness.Emulator.CheckRuns(harness.Repository).Single();
        Assert.That(run.Conclusion, Is.EqualTo("success"));
        Assert.That(harness.Emulator.Reviews(harness.Repository, harness.PullRequest.Number), Has.Count.EqualTo(1));
    }

    private static IEnumerable<TimeSpan> RetryDelays(GitHubClientHarness harness) =>
        harness.Logs.Entries.Where(e => e.EventId.Id == 2101).Select(e => (TimeSpan)e.State.Single(kv => kv.Key == "Delay").Value!);

    [Test]
    public async Task PublishAsync_TwoServerErrorsOnTheCompletion_RetriesWithBackoffAndPublishes()
    {
        var (harness, id) = await StartedAsync(GitHub);
        await using var _ = harness;
        harness.Emulator.InjectFault(new Fault("PATCH", $"/repos/{harness.Repository.FullName}/check-runs/{id}", FaultKind.ServerError, 2));

        var outcome = await harness.AdvanceUntilDoneAsync(
            harness.Get<GradingPublisher>().PublishAsync(harness.Target(), id, Result(), CancellationToken.None), TimeSpan.FromMilliseconds(500));

        Assert.Multiple(() =>
        {
            Assert.That(outcome.Status, Is.EqualTo(PublishStatus.Published));
            AssertPublished(harness);
            Assert.That(harness.Emulator.Requests($"/repos/{harness.Repository.FullName}/check-runs/{id}").Where(r => r.Method == "PATCH").Select(r => r.Status),
                Is.EqualTo(new[] { 502, 502, 200 }));
            // The PATCH carries an annotation (annotations append): each retry first read what GitHub held.
            Assert.That(harness.Logs.Entries.Count(e => e.EventId.Id == 2102), Is.EqualTo(2));
            Assert.That(harness.Emulator.CheckRuns(harness.Repository).Single().Annotations, Has.Count.EqualTo(1));
        });
    }

    [Test]
    public async Task PublishAsync_TwoServerErrorsOnAReviewListing_RetriedInLineWithBackoff()
    {
        var (harness, id) = await StartedAsync(GitHub);
        await using var _ = harness;
        harness.Emulator.InjectFault(new Fault("GET", $"/repos/{harness.Repository.FullName}/pulls/7/reviews", FaultKind.ServerError, 2));

        var outcome = await harness.AdvanceUntilDoneAsync(
            harness.Get<GradingPublisher>().PublishAsync(harness.Target(), id, Result(), CancellationToken.None), TimeSpan.FromMilliseconds(500));

        Assert.Multiple(() =>
        {
            Assert.That(outcome.Status, Is.EqualTo(PublishStatus.Published));
            AssertPublished(harness);
            Assert.That(harness.Emulator.Requests($"/repos/{harness.Repository.FullName}/pulls/7/reviews").Where(r => r.Method == "GET").Select(r => r.Status),
                Is.EqualTo(new[] { 502, 502, 200 }));
            Assert.That(RetryDelays(harness).ToList(), Has.Count.EqualTo(2));
        });
    }

    [TestCase(FaultKind.TooManyRequests)]
    [TestCase(FaultKind.SecondaryRateLimit)]
    public async Task PublishAsync_ThrottledWithRetryAfter_WaitsWhatGitHubAskedThenPublishes(FaultKind kind)
    {
        var (harness, id) = await StartedAsync(GitHub);
        await using var _ = harness;
        harness.Emulator.InjectFault(new Fault("POST", $"/repos/{harness.Repository.FullName}/pulls/7/reviews", kind, 1, RetryAfter: TimeSpan.FromSeconds(7)));

        var outcome = await harness.AdvanceUntilDoneAsync(
            harness.Get<GradingPublisher>().PublishAsync(harness.Target(), id, Result(), CancellationToken.None), TimeSpan.FromSeconds(1));

        Assert.Multiple(() =>
        {
            Assert.That(outcome.Status, Is.EqualTo(PublishStatus.Published));
            AssertPublished(harness);
            Assert.That(RetryDelays(harness), Is.EqualTo(new[] { TimeSpan.FromSeconds(7) }));
        });
    }

    [Test]
    public async Task PublishAsync_PrimaryRateLimitExhaustedForAnHour_KeepsTheResultInTheOutboxUntilReset()
    {
        var (harness, id) = await StartedAsync(GitHub);
        await using var _ = harness;
        var reset = harness.Time.GetUtcNow().AddHours(1);
        harness.Emulator.InjectFault(new Fault("PATCH", $"/repos/{harness.Repository.FullName}/check-runs/{id}", FaultKind.PrimaryRateLimitExhausted, 1, ResetAt: reset));
        var outbox = harness.Get<IPublishOutbox>();
        var relay = harness.Get<OutboxRelay>();

        var outcome = await harness.Get<GradingPublisher>().PublishAsync(harness.Target(), id, Result(), CancellationToken.None);
        var pending = await outbox.GetAllAsync(CancellationToken.None);
        var deliveredEarly = await relay.DeliverDueAsync(CancellationToken.None);
        harness.Time.Advance(TimeSpan.FromHours(1));
        var deliveredAfterReset = await relay.DeliverDueAsync(CancellationToken.None);

        Assert.Multiple(async () =>
        {
            Assert.That(outcome.Status, Is.EqualTo(PublishStatus.Deferred));
            Assert.That(outcome.RetryAt, Is.EqualTo(reset).Within(TimeSpan.FromSeconds(1)));
            Assert.That(pending.Single().Target, Is.EqualTo(harness.Target()));
            Assert.That(pending.Single().LastError, Does.Contain("rate limit"));
            Assert.That(deliveredEarly, Is.Zero);
            Assert.That(deliveredAfterReset, Is.EqualTo(1));
            AssertPublished(harness);
            Assert.That(await outbox.GetAllAsync(CancellationToken.None), Is.Empty);
        });
    }

    [Test]
    public async Task PublishAsync_GitHubDownLongerThanTheRetries_DefersThenTheRelayDeliversOnce()
    {
        var (harness, id) = await StartedAsync(GitHub);
        await using var _ = harness;
        // First attempt + 4 retries all fail: more than in-line retrying covers.
        harness.Emulator.InjectFault(new Fault(null, $"/repos/{harness.Repository.FullName}/", FaultKind.ServerError, 5));
        var relay = harness.Get<OutboxRelay>();

        var outcome = await harness.AdvanceUntilDoneAsync(
            harness.Get<GradingPublisher>().PublishAsync(harness.Target(), id, Result(), CancellationToken.None), TimeSpan.FromSeconds(2));
        harness.Time.Advance(TimeSpan.FromMinutes(1));
        var delivered = await relay.DeliverDueAsync(CancellationToken.None);
        harness.Time.Advance(TimeSpan.FromHours(1));
        var again = await relay.DeliverDueAsync(CancellationToken.None);

        Assert.Multiple(async () =>
        {
            Assert.That(outcome.Status, Is.EqualTo(PublishStatus.Deferred));
            Assert.That(delivered, Is.EqualTo(1));
            Assert.That(again, Is.Zero);
            AssertPublished(harness);
            Assert.That(await harness.Get<IPublishOutbox>().GetAllAsync(CancellationToken.None), Is.Empty);
        });
    }
}
