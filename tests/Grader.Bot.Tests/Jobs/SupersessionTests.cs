using Grader.Bot.Storage;
using Grader.Bot.Tests.Support;

namespace Grader.Bot.Tests.Jobs;

internal sealed class SupersessionTests : BotTestBase
{
    private const string ShaA = "a000000000000000000000000000000000000001";
    private const string ShaB = "b000000000000000000000000000000000000002";
    private const string ShaC = "c000000000000000000000000000000000000003";

    [Test]
    public async Task Synchronize_NewHeadWhileOldRuns_RunningJobCancelledPromptlyAndNewGraded()
    {
        Grader.Behaviour = async (assignment, _, ct) =>
        {
            if (assignment.HeadSha == ShaA)
            {
                await Task.Delay(Timeout.Infinite, ct);
            }

            return ScriptedGrader.Passed();
        };
        using (await Host.PostAsync("pull_request", WebhookFixtures.PullRequest("opened", ShaA)))
        {
        }

        await WaitForJobStateAsync(ShaA, JobState.Running);
        using (await Host.PostAsync("pull_request", WebhookFixtures.PullRequest("synchronize", ShaB)))
        {
        }

        await Eventually.ThatAsync(() => Grader.Cancelled.Any(a => a.HeadSha == ShaA), "old job cancelled", TimeSpan.FromSeconds(5));
        await WaitForJobStateAsync(ShaB, JobState.Completed);
        Assert.That((await JobAsync(ShaA))!.State, Is.EqualTo(JobState.Superseded));
        await Eventually.ThatAsync(() => Publisher.Of("review").Any(), "review posted");
        Assert.That(Publisher.Of("review").Select(r => r.HeadSha), Is.EqualTo(new[] { ShaB }));
    }

    [Test]
    public async Task Synchronize_TwoNewHeadsWhileOneRuns_QueuedJobDroppedWithoutRunning()
    {
        var release = new TaskCompletionSource();
        Grader.Behaviour = async (assignment, _, ct) =>
        {
            if (assignment.HeadSha == ShaA)
            {
                await release.Task.WaitAsync(ct);
            }

            return ScriptedGrader.Passed();
        };
        using (await Host.PostAsync("pull_request", WebhookFixtures.PullRequest("opened", ShaA)))
        {
        }

        await WaitForJobStateAsync(ShaA, JobState.Running);
        // Another PR's job keeps the only worker busy so ShaB stays queued behind it.
        var other = WebhookFixtures.PullRequest("opened", "d000000000000000000000000000000000000004");
        other["number"] = 3;
        other["pull_request"]!["number"] = 3;
        Grader.Behaviour = async (assignment, _, ct) =>
        {
            if (assignment.HeadSha is ShaA or "d000000000000000000000000000000000000004")
            {
                await release.Task.WaitAsync(ct);
            }

            return ScriptedGrader.Passed();
        };
        using (await Host.PostAsync("pull_request", other))
        {
        }

        using (await Host.PostAsync("pull_request", WebhookFixtures.PullRequest("synchronize", ShaB)))
        {
        }

        await WaitForJobStateAsync(ShaB, JobState.Queued);
        using (await Host.PostAsync("pull_request", WebhookFixtures.PullRequest("synchronize", ShaC)))
        {
        }

        await WaitForJobStateAsync(ShaB, JobState.Superseded);
        release.SetResult();
        await WaitForJobStateAsync(ShaC, JobState.Completed);
        Assert.That(Grader.Started.Select(a => a.HeadSha), Does.Not.Contain(ShaB));
    }
}
