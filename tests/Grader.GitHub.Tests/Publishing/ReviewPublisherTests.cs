using Grader.GitHub.Publishing;
using Grader.GitHub.Tests.Support;
using Grader.Rubrics.Model;
using Grader.Testing.GitHub;

namespace Grader.GitHub.Tests.Publishing;

public sealed class ReviewPublisherTests : PrismValidatedTest
{
    private static PublishableResult Result(ReviewEvent reviewEvent = ReviewEvent.Comment) => new()
    {
        Title = "Failed: 40/100",
        Summary = "40 of 100 points.",
        Conclusion = PublishConclusion.Failure,
        ReviewEvent = reviewEvent,
        ReviewBody = "## Rubric\n- latency: not met",
    };

    [Test]
    public async Task PublishAsync_RetriedJobAndDuplicateDeliveries_PostOneReviewPerHeadSha()
    {
        await using var harness = GitHubClientHarness.Create(GitHub);
        var reviews = harness.Get<ReviewPublisher>();

        var first = await reviews.PublishAsync(harness.Target("job-1"), Result(), CancellationToken.None);
        var retried = await reviews.PublishAsync(harness.Target("job-1"), Result(), CancellationToken.None);
        var duplicates = await Task.WhenAll(Enumerable.Range(0, 4).Select(i =>
            reviews.PublishAsync(harness.Target($"job-dup-{i}"), Result(), CancellationToken.None)));

        var posted = harness.Emulator.Reviews(harness.Repository, harness.PullRequest.Number);
        Assert.Multiple(() =>
        {
            Assert.That(posted, Has.Count.EqualTo(1));
            Assert.That(first.AlreadyExisted, Is.False);
            Assert.That(retried.AlreadyExisted, Is.True);
            Assert.That(retried.ReviewId, Is.EqualTo(first.ReviewId));
            Assert.That(duplicates, Has.All.Matches<ReviewOutcome>(d => d.AlreadyExisted && d.ReviewId == first.ReviewId));
            Assert.That(posted[0].CommitId, Is.EqualTo(harness.PullRequest.HeadSha));
            Assert.That(posted[0].Body, Does.Contain($"<!-- grader:sha={harness.PullRequest.HeadSha};job=job-1 -->"));
            Assert.That(posted[0].State, Is.EqualTo("COMMENTED"));
        });
    }

    [Test]
    public async Task PublishAsync_NewHeadSha_PostsAnotherReview()
    {
        await using var harness = GitHubClientHarness.Create(GitHub);
        var reviews = harness.Get<ReviewPublisher>();

        await reviews.PublishAsync(harness.Target("job-1"), Result(), CancellationToken.None);
        var next = await reviews.PublishAsync(harness.Target("job-2", GitHubClientHarness.NewSha()), Result(ReviewEvent.RequestChanges), CancellationToken.None);

        var posted = harness.Emulator.Reviews(harness.Repository, harness.PullRequest.Number);
        Assert.Multiple(() =>
        {
            Assert.That(next.AlreadyExisted, Is.False);
            Assert.That(posted.Select(r => r.State), Is.EqualTo(new[] { "COMMENTED", "CHANGES_REQUESTED" }));
        });
    }

    [TestCase(ReviewEvent.Approve)]
    [TestCase(ReviewEvent.RequestChanges)]
    public async Task PublishAsync_EventOnTheAppsOwnPullRequest_FallsBackToCommentWithANote(ReviewEvent reviewEvent)
    {
        await using var harness = GitHubClientHarness.Create(GitHub);
        // The App's bot opened this pull request: GitHub refuses to let it approve or request changes.
        harness.Emulator.AddPullRequest(harness.Repository, harness.PullRequest with { Author = harness.App.BotLogin });
        var reviews = harness.Get<ReviewPublisher>();

        var outcome = await reviews.PublishAsync(harness.Target(), Result(reviewEvent), CancellationToken.None);

        var posted = harness.Emulator.Reviews(harness.Repository, harness.PullRequest.Number).Single();
        Assert.Multiple(() =>
        {
            Assert.That(outcome.PostedEvent, Is.EqualTo(ReviewEvent.Comment));
            Assert.That(posted.State, Is.EqualTo("COMMENTED"));
            Assert.That(posted.Body, Does.Contain("posted as a comment"));
            Assert.That(posted.Body, Does.Contain("your own pull request"));
            Assert.That(harness.Emulator.Requests($"/repos/{harness.Repository.FullName}/pulls/7/reviews").Count(r => r.Method == "POST" && r.Status == 422), Is.EqualTo(1));
        });
    }
}
