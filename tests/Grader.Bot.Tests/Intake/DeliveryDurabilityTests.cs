using System.Net;
using Grader.Bot.Configuration;
using Grader.Bot.Storage;
using Grader.Bot.Tests.Support;
using Microsoft.Extensions.Options;

namespace Grader.Bot.Tests.Intake;

internal sealed class DeliveryDurabilityTests : BotTestBase
{
    /// <summary>The first GitHub call interpreting a delivery: the repository's .grader.yml on the default branch.</summary>
    private string ContentsPath => $"/repos/{Repository.FullName}/contents/";

    [Test]
    public async Task Post_Acknowledged_DeliveryIsInSqliteOnDiskBeforeAnyProcessing()
    {
        // GitHub does not answer: the dispatcher cannot get past the config lookup, so only the intake ran.
        using var stall = Emulator.Stall(ContentsPath);

        using var response = await Host.PostAsync("pull_request", PullRequestEvent("opened"), "durable-1");

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        // A second store on the same file (another connection, as after a crash) sees the committed row.
        using var other = new GraderStore(Options.Create(new BotOptions { DatabasePath = Path.Combine(State.Path, "bot.db") }), TimeProvider.System);
        var stored = await other.GetDeliveryAsync("durable-1", CancellationToken.None);
        Assert.That(stored!.State, Is.EqualTo(DeliveryState.Accepted));
    }

    [Test]
    public async Task Restart_AcceptedDeliveryNotYetInterpreted_IsGradedByTheNextProcess()
    {
        var stall = Emulator.Stall(ContentsPath);
        using (var response = await Host.PostAsync("pull_request", PullRequestEvent("opened"), "restart-1"))
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        }

        Assert.That(await JobAsync(HeadSha), Is.Null);
        await RestartAsync(whileStopped: stall.Dispose);

        await WaitForJobStateAsync(HeadSha, JobState.Completed);
        await WaitForReviewAsync();
        Assert.That((await Host.Store.GetDeliveryAsync("restart-1", CancellationToken.None))!.State, Is.EqualTo(DeliveryState.Processed));
        Assert.That(Reviews(), Has.Count.EqualTo(1));
    }

    [Test]
    public async Task Post_SameDeliveryIdTwice_OneDeliveryOneJobOneReview()
    {
        var payload = PullRequestEvent("opened");

        using var first = await Host.PostAsync("pull_request", payload, "dup-1");
        using var second = await Host.PostAsync("pull_request", payload, "dup-1");

        Assert.That(first.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(second.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        var job = await WaitForJobStateAsync(HeadSha, JobState.Completed);
        await WaitForReviewAsync();
        Assert.That(job!.Attempts, Is.EqualTo(1));
        Assert.That(Reviews(), Has.Count.EqualTo(1));
        Assert.That(CheckRun(HeadSha)!.StatusHistory.Count(s => s == "completed"), Is.EqualTo(1));
    }

    [Test]
    public async Task Post_SameHeadShaInNewDeliveries_GradedOnceOneReview()
    {
        using (await Host.PostAsync("pull_request", PullRequestEvent("opened")))
        {
        }

        await WaitForJobStateAsync(HeadSha, JobState.Completed);
        using (await Host.PostAsync("pull_request", PullRequestEvent("reopened")))
        {
        }

        await Eventually.ThatAsync(
            async () => (await Host.Store.GetAcceptedDeliveriesAsync(10, CancellationToken.None)).Count, count => count == 0, "deliveries interpreted");
        await WaitForReviewAsync();
        Assert.That((await JobAsync(HeadSha))!.Attempts, Is.EqualTo(1));
        Assert.That(Reviews(), Has.Count.EqualTo(1));
        Assert.That(CheckRun(HeadSha)!.StatusHistory.Count(s => s == "completed"), Is.EqualTo(1));
    }
}
