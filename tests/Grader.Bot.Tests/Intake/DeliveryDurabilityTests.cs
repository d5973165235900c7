using System.Net;
using Grader.Bot.Configuration;
using Grader.Bot.Storage;
using Grader.Bot.Tests.Support;
using Microsoft.Extensions.Options;

namespace Grader.Bot.Tests.Intake;

internal sealed class DeliveryDurabilityTests : BotTestBase
{
    [Test]
    public async Task Post_Acknowledged_DeliveryIsInSqliteOnDiskBeforeAnyProcessing()
    {
        // GitHub does not answer: the dispatcher cannot get past the config lookup, so only the intake ran.
        Gateway.Gate = new TaskCompletionSource();

        using var response = await Host.PostAsync("pull_request", WebhookFixtures.PullRequest("opened"), "durable-1");

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        // A second store on the same file (another connection, as after a crash) sees the committed row.
        using var other = new GraderStore(Options.Create(new BotOptions { DatabasePath = Path.Combine(State.Path, "bot.db") }), TimeProvider.System);
        var stored = await other.GetDeliveryAsync("durable-1", CancellationToken.None);
        Assert.That(stored!.State, Is.EqualTo(DeliveryState.Accepted));
        Gateway.Gate.SetResult();
    }

    [Test]
    public async Task Restart_AcceptedDeliveryNotYetInterpreted_IsGradedByTheNextProcess()
    {
        Gateway.Gate = new TaskCompletionSource();
        using (var response = await Host.PostAsync("pull_request", WebhookFixtures.PullRequest("opened"), "restart-1"))
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        }

        Assert.That(await JobAsync(WebhookFixtures.HeadSha), Is.Null);
        await RestartAsync(whileStopped: () => Gateway.Gate = null);

        await WaitForJobStateAsync(WebhookFixtures.HeadSha, JobState.Completed);
        await Eventually.ThatAsync(() => Publisher.Of("review").Any(), "review posted");
        Assert.That((await Host.Store.GetDeliveryAsync("restart-1", CancellationToken.None))!.State, Is.EqualTo(DeliveryState.Processed));
    }

    [Test]
    public async Task Post_SameDeliveryIdTwice_OneDeliveryOneJobOneReview()
    {
        var payload = WebhookFixtures.PullRequest("opened");

        using var first = await Host.PostAsync("pull_request", payload, "dup-1");
        using var second = await Host.PostAsync("pull_request", payload, "dup-1");

        Assert.That(first.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(second.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        await WaitForJobStateAsync(WebhookFixtures.HeadSha, JobState.Completed);
        await Eventually.ThatAsync(() => Publisher.Of("review").Any(), "review posted");
        Assert.That(Grader.Started, Has.Count.EqualTo(1));
        Assert.That(Publisher.Of("review").Count(), Is.EqualTo(1));
    }

    [Test]
    public async Task Post_SameHeadShaInNewDeliveries_GradedOnceOneReview()
    {
        using (await Host.PostAsync("pull_request", WebhookFixtures.PullRequest("opened")))
        {
        }

        await WaitForJobStateAsync(WebhookFixtures.HeadSha, JobState.Completed);
        using (await Host.PostAsync("pull_request", WebhookFixtures.PullRequest("reopened")))
        {
        }

        await Eventually.ThatAsync(
            async () => (await Host.Store.GetAcceptedDeliveriesAsync(10, CancellationToken.None)).Count, count => count == 0, "deliveries interpreted");
        await Eventually.ThatAsync(() => Publisher.Of("review").Any(), "review posted");
        Assert.That(Grader.Started, Has.Count.EqualTo(1));
        Assert.That(Publisher.Of("review").Count(), Is.EqualTo(1));
    }
}
