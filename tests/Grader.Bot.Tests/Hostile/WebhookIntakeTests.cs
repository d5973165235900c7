using System.Net;
using System.Text;
using Grader.Bot.Storage;
using Grader.Bot.Tests.Support;
using Grader.Bot.Webhooks;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Grader.Bot.Tests.Hostile;

/// <summary>
/// Anyone can post to the webhook endpoint. Before a body's signature is checked it must cost little: the answer
/// comes before a huge declared body is sent, an endless body is cut at the cap, and unsigned bodies together
/// hold no more than the budget. After each, a signed delivery is still acknowledged (and graded).
/// </summary>
[Category("Hostile")]
[Category("Docker")]
internal sealed class WebhookIntakeTests : BotTestBase
{
    private const int Cap = 64 * 1024;
    private static readonly TimeSpan AnswerWithin = TimeSpan.FromSeconds(60);
    private static readonly string AnySignature = "sha256=" + new string('0', 64);

    /// <summary>Over the default cap (4 MiB) as over this test's, yet under GitHub's 25 MB: only the cap refuses it unread.</summary>
    private const long OverTheCap = 8L * 1024 * 1024;

    private UnauthenticatedBodyBudget Budget => Host.Services.GetRequiredService<UnauthenticatedBodyBudget>();

    protected override void Configure(Dictionary<string, string?> settings)
    {
        settings["Grader:Bot:WebhookIntake:MaxBodyBytes"] = Cap.ToString(System.Globalization.CultureInfo.InvariantCulture);
        settings["Grader:Bot:WebhookIntake:UnauthenticatedBudgetBytes"] = (2 * Cap).ToString(System.Globalization.CultureInfo.InvariantCulture);
        settings["Grader:Bot:WebhookIntake:BodyReadTimeout"] = "00:02:00";
    }

    [Test]
    public async Task Post_DeclaredLengthOverTheCap_413BeforeTheBodyIsSent()
    {
        using var raw = await RawWebhookConnection.OpenAsync(Host.Client.BaseAddress!);

        await raw.SendHeadersAsync("huge-declared", OverTheCap, AnySignature);
        var status = await raw.ReadStatusAsync(AnswerWithin);

        Assert.That(status, Is.EqualTo(StatusCodes.Status413PayloadTooLarge));
        await AssertHealthyAsync();
    }

    [Test]
    public async Task Post_NoSignatureAndHugeDeclaredLength_401BeforeTheBodyIsSent()
    {
        using var raw = await RawWebhookConnection.OpenAsync(Host.Client.BaseAddress!);

        await raw.SendHeadersAsync("unsigned-huge", OverTheCap, signature: null);
        var status = await raw.ReadStatusAsync(AnswerWithin);

        Assert.That(status, Is.EqualTo(StatusCodes.Status401Unauthorized));
        await AssertHealthyAsync();
    }

    [Test]
    public async Task Post_EndlessChunkedBody_413AtTheCap()
    {
        using var raw = await RawWebhookConnection.OpenAsync(Host.Client.BaseAddress!);
        await raw.SendHeadersAsync("endless", contentLength: null, AnySignature);
        using var stop = new CancellationTokenSource();
        var sending = SendForeverAsync(raw, stop.Token);

        var status = await raw.ReadStatusAsync(AnswerWithin);
        await stop.CancelAsync();
        var sent = await sending;

        Assert.Multiple(() =>
        {
            Assert.That(status, Is.EqualTo(StatusCodes.Status413PayloadTooLarge), $"answered after the client had sent {sent} bytes");
            Assert.That(sent, Is.GreaterThan(Cap), "the body really was longer than the cap");
        });
        await AssertHealthyAsync();
    }

    [Test]
    public async Task Post_WrongSignatureOnAMalformedBody_401AndNothingStored()
    {
        var body = Encoding.UTF8.GetBytes("{\"action\": \"opened\", \"pull_request\": [unterminated");

        using var response = await Host.PostRawAsync("pull_request", body, "forged-malformed", "not the secret");

        Assert.Multiple(async () =>
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized), "the signature is judged before the content");
            Assert.That(await Host.Store.GetDeliveryAsync("forged-malformed", CancellationToken.None), Is.Null);
        });
        await AssertHealthyAsync();
    }

    [Test]
    public async Task Post_UnsignedBodiesHoldTheWholeBudget_NextDelivery503ThenAcceptedAndGradedOnceReleased()
    {
        using var first = await RawWebhookConnection.OpenAsync(Host.Client.BaseAddress!);
        using var second = await RawWebhookConnection.OpenAsync(Host.Client.BaseAddress!);
        using var stop = new CancellationTokenSource();
        await first.SendHeadersAsync("flood-1", Cap, AnySignature);
        await second.SendHeadersAsync("flood-2", Cap, AnySignature);
        // Slowly, but faster than Kestrel's minimum data rate: each holds its reservation while it sends.
        var trickles = new[] { first.TrickleAsync(stop.Token), second.TrickleAsync(stop.Token) };
        await Eventually.ThatAsync(() => Task.FromResult(Budget.InUse), inUse => inUse == 2 * Cap, "two unsigned bodies hold the budget");

        using var refused = await Host.PostAsync("pull_request", PullRequestEvent("opened"), "while-flooded");

        Assert.Multiple(() =>
        {
            Assert.That(refused.StatusCode, Is.EqualTo(HttpStatusCode.ServiceUnavailable));
            Assert.That(refused.Headers.RetryAfter, Is.Not.Null);
        });
        await stop.CancelAsync();
        await Task.WhenAll(trickles);
        first.Dispose();
        second.Dispose();
        await AssertHealthyAsync(grade: true);
    }

    /// <summary>The budget is free again, a signed delivery is acknowledged and stored (and, when asked, graded and reviewed).</summary>
    private async Task AssertHealthyAsync(bool grade = false)
    {
        await Eventually.ThatAsync(() => Task.FromResult(Budget.InUse), inUse => inUse == 0, "every reservation released");
        var delivery = "healthy-" + Guid.NewGuid().ToString("N");
        using var response = await Host.PostAsync("pull_request", PullRequestEvent("opened"), delivery);
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(await Host.Store.GetDeliveryAsync(delivery, CancellationToken.None), Is.Not.Null);
        if (grade)
        {
            await WaitForJobStateAsync(HeadSha, JobState.Completed);
            await WaitForReviewAsync();
            Assert.That(Reviews(), Has.Count.EqualTo(1));
        }
    }

    private static async Task<long> SendForeverAsync(RawWebhookConnection raw, CancellationToken stop)
    {
        var chunk = Encoding.ASCII.GetBytes(new string('a', 16 * 1024));
        long sent = 0;
        try
        {
            while (!stop.IsCancellationRequested)
            {
                await raw.SendChunkAsync(chunk);
                sent += chunk.Length;
            }
        }
        catch (IOException)
        {
            // The server closed the connection: it stopped reading.
        }

        return sent;
    }
}
