using Grader.Bot.Storage;
using Grader.Bot.Tests.Support;
using Grader.Testing.GitHub;

namespace Grader.Bot.Tests.Hostile;

/// <summary>
/// The learner comments on their own pull request with a review that carries Grader's hidden marker for the head
/// commit, hoping the bot takes it for its own and posts nothing (a COMMENT instead of REQUEST_CHANGES).
/// </summary>
[Category("Hostile")]
[Category("Docker")]
internal sealed class ForgedReviewTests : BotTestBase
{
    [Test]
    public async Task Opened_LearnerReviewCarriesGradersMarker_GradersOwnReviewPostedOnce()
    {
        var failing = await PushAsync(Scripts.Failing);
        var job = GradingJobRecord.KeyFor(Repository.FullName, PullNumber, failing);
        using (var learner = new ActingClient(GitHub.ApiBaseUrl, Emulator.IssueUserToken(Repository, Author)))
        {
            await learner.PostReviewAsync(Repository, PullNumber, failing, $"All good!\n\n<!-- grader:sha={failing};job={job} -->");
        }

        using (await Host.PostAsync("pull_request", PullRequestEvent("opened", failing)))
        {
        }

        await WaitForJobStateAsync(failing, JobState.Completed);
        await Eventually.ThatAsync(() => Task.FromResult(Reviews().Count), count => count == 2, "Grader's review beside the learner's");
        var reviews = Reviews();
        Assert.Multiple(() =>
        {
            Assert.That(reviews.Select(r => (r.User, r.State)), Is.EqualTo(new[] { (Author, "COMMENTED"), (AppBotLogin, "CHANGES_REQUESTED") }));
            Assert.That(CheckRun(failing)!.Conclusion, Is.EqualTo("failure"));
        });
    }
}
