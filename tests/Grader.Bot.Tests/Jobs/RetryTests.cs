using Grader.Bot.Configuration;
using Grader.Bot.Intake;
using Grader.Bot.Storage;
using Grader.Bot.Tests.Support;
using Grader.Testing.GitHub;

namespace Grader.Bot.Tests.Jobs;

internal sealed class RetryTests : BotTestBase
{
    /// <summary>This runner serves the gpu queue too, without a GPU: GPU criteria are grader errors here.</summary>
    protected override void Configure(Dictionary<string, string?> settings) => settings["Grader:Bot:Queues:1"] = JobQueues.Gpu;

    [Test]
    public async Task Grade_CloneFailsOnceWithServerError_RetriedAndPublishedOnce()
    {
        Emulator.InjectFault(new Fault(null, $"/{Repository.FullName}.git/", FaultKind.ServerError, Count: 1));

        using (await Host.PostAsync("pull_request", PullRequestEvent("opened")))
        {
        }

        var job = await WaitForJobStateAsync(HeadSha, JobState.Completed);
        var checkRun = await WaitForCompletedCheckRunAsync(HeadSha);
        await WaitForReviewAsync();
        Assert.Multiple(() =>
        {
            Assert.That(job!.Attempts, Is.EqualTo(2));
            Assert.That(checkRun.Conclusion, Is.EqualTo("success"));
            Assert.That(Reviews(), Has.Count.EqualTo(1));
            Assert.That(Emulator.Requests($"/{Repository.FullName}.git/").Any(r => r.Status == 502), Is.True, "the first clone met the fault");
        });
    }

    [Test]
    public async Task Grade_LearnerTestsFail_NotRetriedChangesRequested()
    {
        var head = await PushAsync(Scripts.Failing);

        using (await Host.PostAsync("pull_request", PullRequestEvent("opened", head)))
        {
        }

        var job = await WaitForJobStateAsync(head, JobState.Completed);
        var checkRun = await WaitForCompletedCheckRunAsync(head);
        await WaitForReviewAsync();
        var review = Reviews().Single();
        Assert.Multiple(() =>
        {
            Assert.That(job!.Attempts, Is.EqualTo(1));
            Assert.That(checkRun.Conclusion, Is.EqualTo("failure"));
            Assert.That(review.State, Is.EqualTo("CHANGES_REQUESTED"));
            Assert.That(review.CommitId, Is.EqualTo(head));
        });
    }

    [Test]
    public async Task Grade_GpuRubricOnRunnerWithoutGpu_RetriedThenPartialNeutralCheckRunAndNoReview()
    {
        await Learner.CommitToDefaultBranchAsync(new Dictionary<string, string> { [CourseResolver.RepositoryFileName] = "rubric: hello-gpu\n" });

        using (await Host.PostAsync("pull_request", PullRequestEvent("opened")))
        {
        }

        // Retry:Attempts is 2 in the test host: three attempts in all, each incomplete.
        var job = await WaitForJobStateAsync(HeadSha, JobState.Completed);
        var checkRun = await WaitForCompletedCheckRunAsync(HeadSha);
        Assert.Multiple(() =>
        {
            Assert.That(job!.Queue, Is.EqualTo(JobQueues.Gpu));
            Assert.That(job.Attempts, Is.EqualTo(3));
            Assert.That(checkRun.Conclusion, Is.EqualTo("neutral"), "a grader error is never a low score");
            Assert.That(checkRun.Summary, Does.Contain("after 3 attempt(s)").And.Contain("Tests pass"), "the criteria that were graded are shown");
            Assert.That(checkRun.Text + checkRun.Summary, Does.Contain("no GPU"));
            Assert.That(Reviews(), Is.Empty, "the review of record waits for a complete grading");
        });
    }
}
