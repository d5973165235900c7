using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Grader.Bot.Tests.Support;

namespace Grader.Bot.Tests.Hosting;

internal sealed class DashboardAuthorizationTests : BotTestBase
{
    private const string Token = "operator-token";

    protected override void Configure(Dictionary<string, string?> settings) => settings["Grader:Bot:Dashboard:Token"] = Token;

    [Test]
    public async Task Dashboard_NoCredentials_401WithBasicChallenge()
    {
        using var response = await Host.Client.GetAsync("/hangfire");

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
        Assert.That(response.Headers.WwwAuthenticate.ToString(), Does.StartWith("Basic"));
    }

    [Test]
    public async Task Dashboard_WrongToken_401()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/hangfire") { Headers = { Authorization = new AuthenticationHeaderValue("Bearer", "guess") } };

        using var response = await Host.Client.SendAsync(request);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
    }

    [Test]
    public async Task Dashboard_TokenAsBasicPassword_200()
    {
        var basic = Convert.ToBase64String(Encoding.UTF8.GetBytes("ops:" + Token));
        using var request = new HttpRequestMessage(HttpMethod.Get, "/hangfire") { Headers = { Authorization = new AuthenticationHeaderValue("Basic", basic) } };

        using var response = await Host.Client.SendAsync(request);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
    }
}

internal sealed class DashboardDefaultTests : BotTestBase
{
    [Test]
    public async Task Dashboard_NoTokenConfigured_NotMapped()
    {
        using var response = await Host.Client.GetAsync("/hangfire");

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
    }
}
