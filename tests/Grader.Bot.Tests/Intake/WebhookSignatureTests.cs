using System.Net;
using System.Text;
using Grader.Bot.Tests.Support;
using Grader.Testing.GitHub;

namespace Grader.Bot.Tests.Intake;

internal sealed class WebhookSignatureTests : BotTestBase
{
    [Test]
    public async Task Post_SignedWithSecret_Returns200AndPersists()
    {
        using var response = await Host.PostAsync("pull_request", PullRequestEvent("opened"), "delivery-ok");

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(await Host.Store.GetDeliveryAsync("delivery-ok", CancellationToken.None), Is.Not.Null);
    }

    [Test]
    public async Task Post_SignedWithOtherSecret_Returns401AndPersistsNothing()
    {
        var body = Encoding.UTF8.GetBytes(PullRequestEvent("opened").ToJsonString());

        using var response = await Host.PostRawAsync("pull_request", body, "delivery-bad", "not the secret");

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
        Assert.That(await Host.Store.GetDeliveryAsync("delivery-bad", CancellationToken.None), Is.Null);
    }

    [Test]
    public async Task Post_Unsigned_Returns401()
    {
        var body = Encoding.UTF8.GetBytes(PullRequestEvent("opened").ToJsonString());

        using var response = await Host.PostRawAsync("pull_request", body, "delivery-unsigned", secret: null);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
    }

    [Test]
    public async Task Post_BodyChangedAfterSigning_Returns401()
    {
        var body = Encoding.UTF8.GetBytes(PullRequestEvent("opened").ToJsonString());
        var signature = GitHubWebhook.Sign(body, BotTestHost.Secret);
        var tampered = Encoding.UTF8.GetBytes(PullRequestEvent("opened", headSha: new string('f', 40)).ToJsonString());
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/github/webhooks") { Content = new ByteArrayContent(tampered) };
        request.Content.Headers.ContentType = new("application/json");
        request.Headers.Add("X-GitHub-Event", "pull_request");
        request.Headers.Add("X-GitHub-Delivery", "delivery-tampered");
        request.Headers.Add("X-Hub-Signature-256", signature);

        using var response = await Host.Client.SendAsync(request);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
    }
}
