using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using Grader.Bot.Storage;
using Grader.Bot.Tests.Support;
using Grader.Evidence.Verification;

namespace Grader.Bot.Tests.Hosting;

/// <summary>
/// The bot records each grading as signed evidence and serves the exports behind the dashboard token: a real pull
/// request graded in Docker, then the reports endpoint read over HTTP and its JSON export verified offline.
/// </summary>
internal sealed class EvidenceReportEndpointTests : BotTestBase
{
    private const string Token = "lead-token";

    protected override void Configure(Dictionary<string, string?> settings)
    {
        settings["Grader:Bot:Dashboard:Token"] = Token;
        settings["Grader:Bot:Evidence:ProfileUrlTemplate"] = "https://grader.example.edu/reports/export?format=html&learner={login}";
    }

    [Test]
    public async Task Grade_PullRequest_RecordedAndServedVerifiableWithAReviewLink()
    {
        using (await Host.PostAsync("pull_request", PullRequestEvent("opened")))
        {
        }
        await WaitForJobStateAsync(HeadSha, JobState.Completed);
        await WaitForReviewAsync();
        // The record is written after the review is posted (it names the review), so it can trail the review by a moment.
        var (status, body) = await Eventually.ThatAsync(ExportJsonAsync, e => e.Status != HttpStatusCode.OK || JsonNode.Parse(e.Body)!["records"]!.AsArray().Count > 0, "the graded pull request recorded");

        Assert.That(status, Is.EqualTo(HttpStatusCode.OK));
        var report = ExportVerifier.Verify(new MemoryStream(body));
        var record = JsonNode.Parse(body)!["records"]!.AsArray().Single()!["record"]!;
        Assert.Multiple(() =>
        {
            Assert.That(report.Valid, Is.True, string.Join("\n", report.Problems));
            Assert.That(record["learner"]!["login"]!.GetValue<string>(), Is.EqualTo(Author));
            Assert.That(record["submission"]!["repository"]!.GetValue<string>(), Is.EqualTo(Repository.FullName));
            Assert.That(record["submission"]!["headSha"]!.GetValue<string>(), Is.EqualTo(HeadSha));
            Assert.That(record["submission"]!["pullRequestNumber"]!.GetValue<int>(), Is.EqualTo(PullNumber));
            Assert.That(record["complete"]!.GetValue<bool>(), Is.True);
            Assert.That(record["rubric"]!["contentHash"]!.GetValue<string>(), Does.StartWith("sha256:"));
            Assert.That(record["runner"]!["imageDigest"]!.GetValue<string>(), Does.StartWith("sha256:"));
            // Recorded once published: the record names the check run and the review the learner sees.
            Assert.That(record["checkRunUrl"]!.GetValue<string>(), Does.EndWith($"/{Repository.FullName}/runs/{CheckRun(HeadSha)!.Id}"));
            Assert.That(record["reviewUrl"]!.GetValue<string>(), Does.EndWith($"/{Repository.FullName}/pull/{PullNumber}#pullrequestreview-{Reviews().Single().Id}"));
            Assert.That(Reviews().Single().Body, Does.Contain($"[All your competency evidence](https://grader.example.edu/reports/export?format=html&learner={Author})"));
        });
    }

    private async Task<(HttpStatusCode Status, byte[] Body)> ExportJsonAsync()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/reports/export?format=json") { Headers = { Authorization = new AuthenticationHeaderValue("Bearer", Token) } };
        using var response = await Host.Client.SendAsync(request);
        return (response.StatusCode, await response.Content.ReadAsByteArrayAsync());
    }

    [Test]
    public async Task Reports_WithoutTheToken_401AndWithItThePage()
    {
        using var anonymous = await Host.Client.GetAsync("/reports/export?format=csv");
        using var request = new HttpRequestMessage(HttpMethod.Get, "/reports") { Headers = { Authorization = new AuthenticationHeaderValue("Bearer", Token) } };
        using var page = await Host.Client.SendAsync(request);

        Assert.That(anonymous.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
        Assert.That(page.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(await page.Content.ReadAsStringAsync(), Does.Contain("<select name=\"format\">"));
    }
}
