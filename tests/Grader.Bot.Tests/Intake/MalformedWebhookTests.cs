using System.Net;
using System.Text;
using Grader.Bot.Tests.Support;

namespace Grader.Bot.Tests.Intake;

internal sealed class MalformedWebhookTests : BotTestBase
{
    [Test]
    public async Task Post_TruncatedJson_Returns400AndHostKeepsServing()
    {
        var full = PullRequestEvent("opened").ToJsonString();
        var body = Encoding.UTF8.GetBytes(full[..(full.Length / 2)]);

        using var response = await Host.PostRawAsync("pull_request", body, "delivery-truncated", BotTestHost.Secret);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That(await Host.Store.GetDeliveryAsync("delivery-truncated", CancellationToken.None), Is.Null);
        using var next = await Host.PostAsync("pull_request", PullRequestEvent("opened"));
        Assert.That(next.StatusCode, Is.EqualTo(HttpStatusCode.OK));
    }

    [Test]
    public async Task Post_JsonArrayBody_Returns400()
    {
        using var response = await Host.PostRawAsync("pull_request", "[1,2]"u8.ToArray(), "delivery-array", BotTestHost.Secret);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
    }

    [Test]
    public async Task Post_FormContentType_Returns400()
    {
        var body = Encoding.UTF8.GetBytes(PullRequestEvent("opened").ToJsonString());

        using var response = await Host.PostRawAsync("pull_request", body, "delivery-form", BotTestHost.Secret, "application/x-www-form-urlencoded");

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
    }

    [Test]
    public async Task Post_MissingEventHeader_Returns400()
    {
        var body = Encoding.UTF8.GetBytes(PullRequestEvent("opened").ToJsonString());

        using var response = await Host.PostRawAsync(eventName: null, body, "delivery-noevent", BotTestHost.Secret);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
    }

    [Test]
    public async Task Post_MissingDeliveryHeader_Returns400()
    {
        var body = Encoding.UTF8.GetBytes(PullRequestEvent("opened").ToJsonString());

        using var response = await Host.PostRawAsync("pull_request", body, deliveryId: null, BotTestHost.Secret);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
    }

    [Test]
    public async Task Post_PullRequestWithoutHead_Returns400()
    {
        var payload = PullRequestEvent("opened");
        payload["pull_request"]!.AsObject().Remove("head");

        using var response = await Host.PostAsync("pull_request", payload, "delivery-nohead");

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
    }
}
