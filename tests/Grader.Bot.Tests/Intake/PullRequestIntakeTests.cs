using Grader.Bot.Configuration;
using Grader.Bot.Intake;
using Grader.Bot.Storage;
using Grader.Bot.Tests.Support;
using Grader.Testing.GitHub;

namespace Grader.Bot.Tests.Intake;

internal sealed class PullRequestIntakeTests : BotTestBase
{
    [Test]
    public async Task Opened_GradedRepository_QueuedThenInProgressThenCompletedWithAnnotationsAndOneReview()
    {
        using (await Host.PostAsync("pull_request", PullRequestEvent("opened")))
        {
        }

        var job = await WaitForJobStateAsync(HeadSha, JobState.Completed);
        var checkRun = await WaitForCompletedCheckRunAsync(HeadSha);
        await WaitForReviewAsync();
        var review = Reviews().Single();
        var tokens = Emulator.IssuedTokens(Installation);
        var mirrorFiles = Directory.EnumerateFiles(Path.Combine(State.Path, "mirrors"), "*", SearchOption.AllDirectories)
            .Where(f => new FileInfo(f).Length < 1_000_000).Select(File.ReadAllText).ToList();
        Assert.Multiple(() =>
        {
            Assert.That(tokens, Is.Not.Empty, "the clone used an installation token");
            Assert.That(tokens.Where(t => review.Body.Contains(t, StringComparison.Ordinal) || (checkRun.Summary + checkRun.Text).Contains(t, StringComparison.Ordinal)
                                          || mirrorFiles.Any(f => f.Contains(t, StringComparison.Ordinal))), Is.Empty,
                "no installation token in the review, the check run or the runner's git mirror");
            Assert.That(job!.Queue, Is.EqualTo(JobQueues.Cpu), "the rubric needs no GPU");
            Assert.That(job.HiddenTestsPath, Does.EndWith(Path.Combine("hello", "hidden")));
            Assert.That(checkRun.StatusHistory.First(), Is.EqualTo("queued"));
            Assert.That(checkRun.StatusHistory, Does.Contain("in_progress"));
            Assert.That(checkRun.Conclusion, Is.EqualTo("success"));
            Assert.That(checkRun.Summary, Does.Contain(RubricTitleBuild).And.Contain(RubricTitleTests));
            Assert.That(checkRun.Annotations.Select(a => ((string?)a["path"], (int?)a["start_line"])), Does.Contain(((string?)"Dockerfile", (int?)1)),
                "the missing HEALTHCHECK is annotated on the Dockerfile");
            Assert.That(review.CommitId, Is.EqualTo(HeadSha));
            Assert.That(review.State, Is.EqualTo("APPROVED"));
            Assert.That(review.User, Is.EqualTo(AppBotLogin));
            Assert.That(review.Body, Does.Contain(RubricTitleTests).And.Contain(RubricTitleHealthcheck));
        });
    }

    [Test]
    public async Task Opened_Draft_Skipped()
    {
        // The draft flag that counts is GitHub's, read when the delivery is interpreted.
        Emulator.AddPullRequest(Repository, new EmulatedPullRequest(PullNumber, HeadSha, Author, HeadRef: $"pr-{PullNumber}", Draft: true));
        using (await Host.PostAsync("pull_request", PullRequestEvent("opened", draft: true), "draft-1"))
        {
        }

        await Eventually.ThatAsync(
            () => Host.Store.GetDeliveryAsync("draft-1", CancellationToken.None), d => d?.State == DeliveryState.Processed, "draft interpreted");
        Assert.That(await JobAsync(HeadSha), Is.Null);
        Assert.That(CheckRun(HeadSha), Is.Null);
    }

    [Test]
    public async Task Opened_DraftWithGraderFileAllowingDraftsAndGpuRubric_QueuedOnGpuDerivedFromRubric()
    {
        await Learner.CommitToDefaultBranchAsync(new Dictionary<string, string> { [CourseResolver.RepositoryFileName] = "grade_drafts: true\nrubric: hello-gpu\n" });

        using (await Host.PostAsync("pull_request", PullRequestEvent("opened", draft: true)))
        {
        }

        var job = await WaitForJobStateAsync(HeadSha, JobState.Queued);
        // The bot config names no queue for hello-gpu: its gpu criterion puts it on the gpu queue, which this
        // runner does not serve, so it stays queued (with its check run queued on the PR).
        await WaitForCheckRunAsync(HeadSha, run => run.Status == "queued", "queued");
        Assert.That(job!.Queue, Is.EqualTo(JobQueues.Gpu));
        Assert.That(job.RubricName, Is.EqualTo("hello-gpu"));
    }

    [Test]
    public async Task Opened_GraderFileOnPullRequestHeadOnly_Ignored()
    {
        // A learner cannot change how they are graded: .grader.yml is read from the default branch only.
        await Learner.PushToPullRequestAsync(PullNumber, new Dictionary<string, string> { [CourseResolver.RepositoryFileName] = "enabled: false\n" }, "try to opt out");
        var head = await PushAsync(Scripts.Passing);

        using (await Host.PostAsync("pull_request", PullRequestEvent("opened", head)))
        {
        }

        var job = await Eventually.ThatAsync(() => JobAsync(head), job => job is not null, "job scheduled");
        Assert.That(job!.RubricName, Is.EqualTo("hello"));
    }

    [Test]
    public async Task Opened_RepositoryNotInConfig_NoJob()
    {
        var payload = PullRequestEvent("opened");
        payload["repository"]!["full_name"] = "someone-else/project";

        using (await Host.PostAsync("pull_request", payload, "other-1"))
        {
        }

        await Eventually.ThatAsync(
            () => Host.Store.GetDeliveryAsync("other-1", CancellationToken.None), d => d?.State == DeliveryState.Processed, "interpreted");
        Assert.That(await Host.Store.GetPullRequestJobsAsync("someone-else/project", PullNumber, CancellationToken.None), Is.Empty);
    }

    [Test]
    public async Task Closed_WhileGrading_RunningJobCancelledContainersRemovedNoReview()
    {
        var head = await PushAsync(Scripts.Blocking);
        using (await Host.PostAsync("pull_request", PullRequestEvent("opened", head)))
        {
        }

        await WaitForRunningTestsAsync();
        using (await Host.PostAsync("pull_request", Close(head)))
        {
        }

        await WaitForJobStateAsync(head, JobState.Cancelled);
        var checkRun = await WaitForCompletedCheckRunAsync(head);
        await Eventually.ThatAsync(async () => (await RunnerContainersAsync()).Count, count => count == 0, "the job's containers removed");
        Assert.That(checkRun.Conclusion, Is.EqualTo("neutral"));
        Assert.That(checkRun.Summary, Does.Contain("pull request closed"));
        Assert.That(Reviews(), Is.Empty);
    }
}
