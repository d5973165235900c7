using System.Net;
using System.Text.Json.Nodes;
using Grader.Bot.Storage;
using Grader.Bot.Tests.Support;

namespace Grader.Bot.Tests.Intake;

internal sealed class IgnoredDeliveryTests : BotTestBase
{
    [TestCase("ping", "ping/payload.json")]
    [TestCase("ping", "ping/with-app_id.payload.json")]
    [TestCase("push", "push/with-installation.payload.json")]
    [TestCase("check_suite", "check_suite/requested.payload.json")]
    [TestCase("pull_request", "pull_request/labeled.payload.json")]
    [TestCase("issue_comment", "issue_comment/created.with-installation.payload.json")]
    public async Task Post_EventTheBotDoesNotActOn_AcknowledgedAndIgnored(string eventName, string fixture)
    {
        var deliveryId = Guid.NewGuid().ToString();

        using var response = await Host.PostAsync(eventName, WebhookFixtures.Load(fixture), deliveryId);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        var stored = await Host.Store.GetDeliveryAsync(deliveryId, CancellationToken.None);
        Assert.That(stored!.State, Is.EqualTo(DeliveryState.Ignored));
    }

    [Test]
    public async Task Post_PullRequestSentByThisApp_IgnoredAndNoJob()
    {
        var payload = PullRequestEvent("synchronize");
        payload["sender"] = new JsonObject { ["login"] = AppSlug + "[bot]", ["id"] = 1, ["type"] = "Bot" };
        var deliveryId = Guid.NewGuid().ToString();

        using var response = await Host.PostAsync("pull_request", payload, deliveryId);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That((await Host.Store.GetDeliveryAsync(deliveryId, CancellationToken.None))!.State, Is.EqualTo(DeliveryState.Ignored));
        Assert.That(await JobAsync(HeadSha), Is.Null);
    }

    [Test]
    public async Task Post_PullRequestSentByAnotherApp_Accepted()
    {
        var payload = PullRequestEvent("opened");
        payload["sender"] = new JsonObject { ["login"] = "dependabot[bot]", ["id"] = 2, ["type"] = "Bot" };

        using var response = await Host.PostAsync("pull_request", payload);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        await WaitForJobStateAsync(HeadSha, JobState.Completed);
    }
}
