using System.Text.Json.Nodes;
using Grader.Bot.Storage;
using Grader.Bot.Tests.Support;

namespace Grader.Bot.Tests.Intake;

/// <summary>
/// The submission limit never refuses what an instructor asks for: <c>/grade</c> by someone with write permission who is
/// not the pull request's author grades a commit the limit deferred at once, and takes no token.
/// </summary>
internal sealed class SubmissionLimitExemptionTests : BotTestBase
{
    protected override string HelloCourseSettings => "submission_limit: { gradings: 1, per: 1h }";

    [Test]
    public async Task GradeComment_ByInstructorForADeferredPush_GradedAtOnce()
    {
        Emulator.SetPermission(Repository, "teacher", "write");
        using (await Host.PostAsync("pull_request", PullRequestEvent("opened")))
        {
        }

        await WaitForJobStateAsync(HeadSha, JobState.Completed);
        var next = await PushAsync(Scripts.Failing);
        using (await Host.PostAsync("pull_request", PullRequestEvent("synchronize", next)))
        {
        }

        await Eventually.ThatAsync(() => JobAsync(next), j => j is { DeferredUntil: not null }, "the learner's push deferred");
        using (await Host.PostAsync("issue_comment", Comment("/grade", "teacher")))
        {
        }

        await Eventually.ThatAsync(() => JobAsync(next), j => j is { State: JobState.Completed, Attempts: 1 }, "graded for the instructor");
        var job = await JobAsync(next);
        var checkRun = await WaitForCheckRunAsync(next, r => r.Status == "completed" && r.Conclusion != "neutral", "the grading's result");
        Assert.Multiple(() =>
        {
            Assert.That(job!.LimitExempt, Is.True);
            Assert.That(job.DeferredUntil, Is.Null);
            Assert.That(checkRun.Conclusion, Is.EqualTo("failure"));
        });
    }

    private JsonObject Comment(string body, string login)
    {
        var payload = Address(WebhookFixtures.Load("issue_comment/created.with-installation.payload.json"));
        payload["issue"]!["pull_request"] = new JsonObject { ["url"] = $"https://api.github.com/repos/{Repository.FullName}/pulls/{PullNumber}" };
        payload["issue"]!["number"] = PullNumber;
        payload["comment"]!["body"] = body;
        payload["comment"]!["user"]!["login"] = login;
        payload["sender"]!["login"] = login;
        return payload;
    }
}
