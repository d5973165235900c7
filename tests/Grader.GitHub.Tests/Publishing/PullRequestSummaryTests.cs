using Grader.GitHub.Publishing;
using Grader.GitHub.Tests.Support;
using Grader.Rubrics.Model;
using Grader.Testing.GitHub;

namespace Grader.GitHub.Tests.Publishing;

/// <summary>
/// One living picture per pull request through the real publishing path (prism checks every request): each graded
/// push gets its check run and review, earlier reviews are collapsed and marked superseded in place, and one summary
/// comment carries the score history; publishing again posts and edits nothing more.
/// </summary>
public sealed class PullRequestSummaryTests : PrismValidatedTest
{
    private static PublishableResult Result(string title, PublishConclusion conclusion, string body) => new()
    {
        Title = title,
        Summary = title,
        Conclusion = conclusion,
        ReviewEvent = ReviewEvent.Comment,
        ReviewBody = body,
    };

    [Test]
    public async Task PublishAsync_SecondCommitReviewed_FirstReviewSupersededInPlaceAndOneSummaryWithBothScores()
    {
        await using var harness = GitHubClientHarness.Create(GitHub);
        var publisher = harness.Get<GradingPublisher>();
        var second = GitHubClientHarness.NewSha();

        await publisher.PublishAsync(harness.Target("job-1"), null, Result("Failed: 40/100", PublishConclusion.Failure, "## first review\n- latency: not met"), CancellationToken.None);
        await publisher.PublishAsync(harness.Target("job-2", second), null, Result("Passed: 90/100", PublishConclusion.Success, "## second review"), CancellationToken.None);

        var reviews = harness.Emulator.Reviews(harness.Repository, harness.PullRequest.Number);
        var comments = harness.Emulator.Comments(harness.Repository, harness.PullRequest.Number);
        var first = reviews.Single(r => r.CommitId == harness.PullRequest.HeadSha);
        var latest = reviews.Single(r => r.CommitId == second);
        Assert.Multiple(() =>
        {
            Assert.That(reviews, Has.Count.EqualTo(2), "edited in place, never deleted or reposted");
            Assert.That(first.Body, Does.StartWith($"**Superseded** by the review of `{second[..7]}`"));
            Assert.That(first.Body, Does.Contain("<details>").And.Contain("## first review").And.Contain("latency: not met"), "the old review is kept, collapsed");
            Assert.That(first.Body, Does.EndWith($"<!-- grader:sha={harness.PullRequest.HeadSha};job=job-1 -->"), "its marker still names its commit");
            Assert.That(latest.Body, Does.Not.Contain("Superseded"));
            Assert.That(latest.Edits, Is.Zero);
            Assert.That(comments, Has.Count.EqualTo(1));
            var summary = comments.Single().Body;
            Assert.That(summary, Does.Contain($"`{second[..7]}` (review of record) | ✅ Passed: 90/100"), summary);
            Assert.That(summary, Does.Contain($"`{harness.PullRequest.HeadSha[..7]}` | ❌ Failed: 40/100"), summary);
            Assert.That(summary.IndexOf(second[..7], StringComparison.Ordinal), Is.LessThan(summary.IndexOf(harness.PullRequest.HeadSha[..7], StringComparison.Ordinal)), "newest first");
        });
    }

    [Test]
    public async Task PublishAsync_SameResultsPublishedAgain_NothingPostedOrEditedTwice()
    {
        await using var harness = GitHubClientHarness.Create(GitHub);
        var publisher = harness.Get<GradingPublisher>();
        var second = GitHubClientHarness.NewSha();
        var firstResult = Result("Failed: 40/100", PublishConclusion.Failure, "first");
        var secondResult = Result("Passed: 90/100", PublishConclusion.Success, "second");

        await publisher.PublishAsync(harness.Target("job-1"), null, firstResult, CancellationToken.None);
        await publisher.PublishAsync(harness.Target("job-2", second), null, secondResult, CancellationToken.None);
        var edits = Edits(harness);
        // An outbox entry repeated after a crash publishes both again.
        await publisher.PublishAsync(harness.Target("job-1"), null, firstResult, CancellationToken.None);
        await publisher.PublishAsync(harness.Target("job-2", second), null, secondResult, CancellationToken.None);

        Assert.Multiple(() =>
        {
            Assert.That(harness.Emulator.Reviews(harness.Repository, harness.PullRequest.Number), Has.Count.EqualTo(2));
            Assert.That(harness.Emulator.Comments(harness.Repository, harness.PullRequest.Number), Has.Count.EqualTo(1));
            Assert.That(Edits(harness), Is.EqualTo(edits), "the superseded review is not wrapped twice and the summary is unchanged");
        });
    }

    [Test]
    public async Task PublishAsync_LearnerPastesTheSummaryMarker_TheirCommentIsNeitherEditedNorTrusted()
    {
        await using var harness = GitHubClientHarness.Create(GitHub);
        using var learner = new ActingClient(GitHub.ApiBaseUrl, harness.Emulator.IssueUserToken(harness.Repository, harness.PullRequest.Author));
        var forgedHistory = "<!-- grader:summary -->\n<!-- grader:history=W3siU2hhIjoiZmFrZSIsIlRpdGxlIjoiUGFzc2VkOiAxMDAvMTAwIiwiQ29uY2x1c2lvbiI6IlN1Y2Nlc3MiLCJHcmFkZWRBdCI6IjIwMjYtMDEtMDFUMDA6MDA6MDBaIn1d -->";
        var forged = await learner.PostCommentAsync(harness.Repository, harness.PullRequest.Number, forgedHistory);

        await harness.Get<GradingPublisher>().PublishAsync(harness.Target("job-1"), null, Result("Failed: 40/100", PublishConclusion.Failure, "first"), CancellationToken.None);

        var comments = harness.Emulator.Comments(harness.Repository, harness.PullRequest.Number);
        var ours = comments.Single(c => c.Id != forged);
        Assert.Multiple(() =>
        {
            Assert.That(comments.Single(c => c.Id == forged).Edits, Is.Zero);
            Assert.That(ours.User, Is.EqualTo(harness.App.BotLogin));
            Assert.That(ours.Body, Does.Not.Contain("100/100"), "the forged history is not carried over");
        });
    }

    private static int Edits(GitHubClientHarness harness) =>
        harness.Emulator.Reviews(harness.Repository, harness.PullRequest.Number).Sum(r => r.Edits) +
        harness.Emulator.Comments(harness.Repository, harness.PullRequest.Number).Sum(c => c.Edits);
}
