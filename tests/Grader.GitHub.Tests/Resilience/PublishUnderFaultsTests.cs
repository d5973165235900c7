using Grader.GitHub.Publishing;
using Grader.GitHub.Tests.Support;
using Grader.Testing.GitHub;

namespace Grader.GitHub.Tests.Resilience;

/// <summary>
/// GitHub failing or throttling while a result is published: short failures are retried in-line, within the call;
/// longer ones fail the call and are the outbox's to retry (<c>Outbox/OutboxRelayTests</c>).
/// </summary>
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

        await harness.AdvanceUntilDoneAsync(
            harness.Get<GradingPublisher>().PublishAsync(harness.Target(), id, Result(), CancellationToken.None), TimeSpan.FromMilliseconds(500));

        Assert.Multiple(() =>
        {
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

        await harness.AdvanceUntilDoneAsync(
            harness.Get<GradingPublisher>().PublishAsync(harness.Target(), id, Result(), CancellationToken.None), TimeSpan.FromMilliseconds(500));

        Assert.Multiple(() =>
        {
            AssertPublished(harness);
            Assert.That(harness.Emulator.Requests($"/repos/{harness.Repository.FullName}/pulls/7/reviews").Where(r => r.Method == "GET").Select(r => r.Status),
                Is.EqualTo(new[] { 502, 502, 200, 200 }), "the review's look-up retried in line, then the PR summary's listing");
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

        var receipt = await harness.AdvanceUntilDoneAsync(
            harness.Get<GradingPublisher>().PublishAsync(harness.Target(), id, Result(), CancellationToken.None), TimeSpan.FromSeconds(1));

        Assert.Multiple(() =>
        {
            Assert.That(receipt.Review, Is.Not.Null);
            AssertPublished(harness);
            Assert.That(RetryDelays(harness), Is.EqualTo(new[] { TimeSpan.FromSeconds(7) }));
        });
    }
}
