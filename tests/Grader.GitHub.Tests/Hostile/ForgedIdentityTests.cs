using Grader.GitHub.Publishing;
using Grader.GitHub.Tests.Support;
using Grader.Rubrics.Model;
using Grader.Testing.GitHub;

namespace Grader.GitHub.Tests.Hostile;

/// <summary>
/// What a learner can plant on their own pull request to look like Grader: a review carrying Grader's marker (any
/// user can write one), a check run with Grader's name and the job's external id (an App the learner installed on
/// the repository they own can create one). Neither may suppress or stand in for Grader's own.
/// </summary>
[Category("Hostile")]
public sealed class ForgedIdentityTests : PrismValidatedTest
{
    private static PublishableResult Result() => new()
    {
        Title = "Failed: 40/100",
        Summary = "40 of 100 points.",
        Conclusion = PublishConclusion.Failure,
        ReviewEvent = ReviewEvent.RequestChanges,
        ReviewBody = "## Rubric\n- latency: not met",
    };

    [Test]
    public async Task PublishAsync_LearnerReviewCarriesGradersMarker_PostsGradersOwnReview()
    {
        await using var harness = GitHubClientHarness.Create(GitHub);
        var target = harness.Target("job-1");
        using var learner = new ActingClient(GitHub.ApiBaseUrl, harness.Emulator.IssueUserToken(harness.Repository, harness.PullRequest.Author));
        var forged = await learner.PostReviewAsync(harness.Repository, harness.PullRequest.Number, harness.PullRequest.HeadSha,
            "Looks good to me!\n\n" + ReviewPublisher.Marker(target));

        var outcome = await harness.Get<ReviewPublisher>().PublishAsync(target, Result(), CancellationToken.None);
        var again = await harness.Get<ReviewPublisher>().PublishAsync(target, Result(), CancellationToken.None);

        var reviews = harness.Emulator.Reviews(harness.Repository, harness.PullRequest.Number);
        Assert.Multiple(() =>
        {
            Assert.That(outcome.AlreadyExisted, Is.False, "the learner's review was not taken for Grader's");
            Assert.That(outcome.ReviewId, Is.Not.EqualTo(forged));
            Assert.That(reviews.Select(r => (r.User, r.UserType, r.State)), Is.EqualTo(new[]
            {
                (harness.PullRequest.Author, "User", "COMMENTED"),
                (harness.App.BotLogin, "Bot", "CHANGES_REQUESTED"),
            }));
            Assert.That(again.ReviewId, Is.EqualTo(outcome.ReviewId), "healthy afterwards: Grader's own review is found again, not duplicated");
            Assert.That(harness.Logs.Entries.Any(e => e.EventId.Id == 2304 && e.Message.Contains(harness.PullRequest.Author, StringComparison.Ordinal)), Is.True,
                "the forged marker is logged with its author");
        });
    }

    [Test]
    public async Task StartAsync_OtherAppsCheckRunWithSameNameAndExternalId_CreatesAndCompletesItsOwn()
    {
        await using var harness = GitHubClientHarness.Create(GitHub);
        var target = harness.Target("course/repo#7@guessable");
        var intruder = harness.Emulator.CreateApp("look-alike-" + harness.App.Slug);
        var installation = harness.Emulator.AddInstallation(intruder, harness.Repository.Owner);
        harness.Emulator.AddInstallationTo(harness.Repository, installation);
        using var other = new ActingClient(GitHub.ApiBaseUrl, harness.Emulator.IssueInstallationToken(installation));
        var foreign = await other.CreateCheckRunAsync(harness.Repository, "grader", harness.PullRequest.HeadSha, target.JobId);
        var checks = harness.Get<CheckRunPublisher>();

        var id = await checks.StartAsync(target, null, CancellationToken.None);
        await checks.CompleteAsync(target, id, Result(), CancellationToken.None);
        var again = await checks.StartAsync(target, null, CancellationToken.None);

        var runs = harness.Emulator.CheckRuns(harness.Repository);
        Assert.Multiple(() =>
        {
            Assert.That(id, Is.Not.EqualTo(foreign), "the look-alike was not adopted");
            Assert.That(runs.Single(r => r.Id == id).App.Id, Is.EqualTo(harness.App.Id));
            Assert.That(runs.Single(r => r.Id == id).Conclusion, Is.EqualTo("failure"));
            Assert.That(runs.Single(r => r.Id == foreign).Status, Is.EqualTo("queued"), "the other App's run is left as it is");
            Assert.That(again, Is.EqualTo(id), "healthy afterwards: Grader's own run is found again, not duplicated");
            Assert.That(runs, Has.Count.EqualTo(2));
            Assert.That(harness.Logs.Entries.Any(e => e.EventId.Id == 2204), Is.True, "the look-alike is logged");
        });
    }
}
