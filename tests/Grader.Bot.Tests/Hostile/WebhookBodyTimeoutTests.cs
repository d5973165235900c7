using System.Net;
using Grader.Bot.Tests.Support;
using Grader.Bot.Webhooks;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Grader.Bot.Tests.Hostile;

/// <summary>A sender that sends its body slowly forever: its reservation ends with the read timeout, not when it pleases.</summary>
[Category("Hostile")]
[Category("Docker")]
internal sealed class WebhookBodyTimeoutTests : BotTestBase
{
    protected override void Configure(Dictionary<string, string?> settings) =>
        settings["Grader:Bot:WebhookIntake:BodyReadTimeout"] = "00:00:02";

    [Test]
    public async Task Post_BodyTricklesForever_408AtTheReadTimeoutAndItsReservationReleased()
    {
        var budget = Host.Services.GetRequiredService<UnauthenticatedBodyBudget>();
        using var raw = await RawWebhookConnection.OpenAsync(Host.Client.BaseAddress!);
        // A megabyte at 512 bytes/s: over half an hour, though fast enough for Kestrel's minimum data rate.
        await raw.SendHeadersAsync("trickling", 1024 * 1024, "sha256=" + new string('0', 64));
        using var stop = new CancellationTokenSource();
        var trickle = raw.TrickleAsync(stop.Token);

        var status = await raw.ReadStatusAsync(TimeSpan.FromSeconds(60));
        await stop.CancelAsync();
        await trickle;

        Assert.That(status, Is.EqualTo(StatusCodes.Status408RequestTimeout));
        await Eventually.ThatAsync(() => Task.FromResult(budget.InUse), inUse => inUse == 0, "the reservation released");
        using var response = await Host.PostAsync("pull_request", PullRequestEvent("opened"), "after-stall");
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
    }
}
