using System.Text;
using Grader.Bot.Tests.Support;
using Grader.Testing.GitHub;
using Microsoft.AspNetCore.Http;

namespace Grader.Bot.Tests.Intake;

internal sealed class ChunkedWebhookTests : BotTestBase
{
    [Test]
    public async Task Post_SignedChunkedBodyWithinTheCap_AcceptedAndStored()
    {
        var body = Encoding.UTF8.GetBytes(PullRequestEvent("opened").ToJsonString());
        using var raw = await RawWebhookConnection.OpenAsync(Host.Client.BaseAddress!);
        await raw.SendHeadersAsync("chunked-ok", contentLength: null, GitHubWebhook.Sign(body, BotTestHost.Secret));

        foreach (var piece in body.Chunk(5000))
        {
            await raw.SendChunkAsync(piece);
        }

        await raw.SendAsync("0\r\n\r\n"u8.ToArray());
        var status = await raw.ReadStatusAsync(TimeSpan.FromSeconds(60));

        Assert.That(status, Is.EqualTo(StatusCodes.Status200OK));
        Assert.That(await Host.Store.GetDeliveryAsync("chunked-ok", CancellationToken.None), Is.Not.Null);
    }
}
