using Grader.Bot.Jobs;
using Grader.Bot.Storage;
using Grader.Bot.Tests.Support;
using Hangfire;
using Hangfire.States;
using Microsoft.Extensions.DependencyInjection;

namespace Grader.Bot.Tests.Jobs;

/// <summary>
/// A restart loses the embedded bot's in-memory Hangfire storage, and with it the delayed release a deferral
/// promised: the reconciler schedules it again on start, for the pull request's newest deferred push.
/// </summary>
internal sealed class SubmissionLimitRestartTests : BotTestBase
{
    protected override string HelloCourseSettings => "submission_limit: { gradings: 1, per: 1h }";

    [Test]
    public async Task Restart_WithADeferredPush_ItsReleaseIsScheduledAgain()
    {
        using (await Host.PostAsync("pull_request", PullRequestEvent("opened")))
        {
        }

        await WaitForJobStateAsync(HeadSha, JobState.Completed);
        var deferredSha = await PushAsync(Scripts.Failing);
        using (await Host.PostAsync("pull_request", PullRequestEvent("synchronize", deferredSha)))
        {
        }

        var deferred = await Eventually.ThatAsync(() => JobAsync(deferredSha), j => j is { DeferredUntil: not null, HangfireJobId: not null }, "deferred");

        await RestartAsync();

        var after = await JobAsync(deferredSha);
        var storage = Host.Services.GetRequiredService<JobStorage>();
        using var connection = storage.GetConnection();
        var state = connection.GetStateData(after!.HangfireJobId!);
        var job = connection.GetJobData(after.HangfireJobId!);
        Assert.Multiple(() =>
        {
            Assert.That(storage.GetMonitoringApi().ScheduledCount(), Is.EqualTo(1), "one release, none lost, none doubled");
            Assert.That(state?.Name, Is.EqualTo(ScheduledState.StateName));
            Assert.That(job?.Job.Type, Is.EqualTo(typeof(SubmissionLimitRelease)));
            Assert.That(after.DeferredUntil, Is.EqualTo(deferred!.DeferredUntil));
            Assert.That(after.Attempts, Is.Zero);
        });
    }
}
