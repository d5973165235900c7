using System.Net;
using System.Net.Http.Headers;
using Grader.Bot.Hosting;
using Grader.Bot.Tests.Support;
using Grader.Evidence.Model;
using Grader.Evidence.Signing;
using Microsoft.Extensions.DependencyInjection;

namespace Grader.Bot.Tests.Hosting;

/// <summary>
/// The bot's leaderboard page over HTTP: behind the dashboard token, the best verified result per learner from the
/// bot's own evidence store (records signed with its key; one signed with another key does not count), 404 for a
/// module that publishes none.
/// </summary>
internal sealed class LeaderboardEndpointTests : BotTestBase
{
    private const string Token = "lead-token";

    protected override void Configure(Dictionary<string, string?> settings) => settings["Grader:Bot:Dashboard:Token"] = Token;

    [Test]
    public async Task Leaderboard_WithTheToken_ServesTheBestVerifiedResultPerLearner()
    {
        await SeedAsync();

        var (anonymous, _) = await GetAsync("/reports/leaderboard?module=MOD-523", token: null);
        var (status, html) = await GetAsync("/reports/leaderboard?module=MOD-523");
        var (mdStatus, markdown) = await GetAsync("/reports/leaderboard?module=MOD-523&format=md");

        Assert.Multiple(() =>
        {
            Assert.That(anonymous, Is.EqualTo(HttpStatusCode.Unauthorized));
            Assert.That(status, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(html, Does.Contain("<td class=\"learner\">bob</td>"));
            Assert.That(html.IndexOf("<td class=\"learner\">bob</td>", StringComparison.Ordinal), Is.LessThan(html.IndexOf("<td class=\"learner\">alice</td>", StringComparison.Ordinal)));
            Assert.That(html, Does.Contain("<a href=\"https://github.com/course/lab-alice/pull/7\"><code>2222222</code></a>"));
            Assert.That(html, Does.Not.Contain("mallory"), "signed with another key");
            Assert.That(html, Does.Not.Contain("1111111"), "alice's slower attempt");
            Assert.That(mdStatus, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(markdown, Does.Contain("| 1 | bob | 20.0 ms |").And.Contain("| 2 | alice | 30.0 ms |"));
        });
    }

    [Test]
    public async Task Leaderboard_ModuleThatPublishesNone_Is404WithTheReason()
    {
        await SeedAsync();

        var (status, body) = await GetAsync("/reports/leaderboard?module=MOD-101");
        var (missing, _) = await GetAsync("/reports/leaderboard");

        Assert.Multiple(() =>
        {
            Assert.That(status, Is.EqualTo(HttpStatusCode.NotFound));
            Assert.That(body, Is.EqualTo("Module 'MOD-101' does not publish a leaderboard (its rubric has no 'leaderboard')."));
            Assert.That(missing, Is.EqualTo(HttpStatusCode.BadRequest));
        });
    }

    /// <summary>Records as the bot's recorder writes them: into its store, signed with its key (created as the recorder would).</summary>
    private async Task SeedAsync()
    {
        var store = Host.Services.GetRequiredService<BotEvidenceStore>();
        var path = store.Settings.EffectiveKeyPath();
        if (!File.Exists(path))
        {
            using var created = EvidenceSigningKey.Generate();
            created.Save(path);
        }
        using var key = EvidenceSigningKey.Load(path);
        using var other = EvidenceSigningKey.Generate();
        var database = await store.GetAsync(CancellationToken.None);
        await database.Records.AppendManyAsync(
        [
            Bench("alice", '1', 0.050, "50.0 ms", 0),
            Bench("alice", '2', 0.030, "30.0 ms", 1),
            Bench("bob", '3', 0.020, "20.0 ms", 2),
            Bench("carol", '4', 0.040, "40.0 ms", 3) with { Module = new ModuleRef("MOD-101", "No board"), Leaderboard = null },
        ], key, CancellationToken.None);
        await database.Records.AppendAsync(Bench("mallory", '5', 0.001, "1.00 ms", 4), other, CancellationToken.None);
    }

    private static EvidenceRecord Bench(string login, char sha, double measure, string text, int minutes)
    {
        var at = new DateTimeOffset(2026, 11, 2, 9, 0, 0, TimeSpan.Zero).AddMinutes(minutes);
        var repository = "course/lab-" + login;
        return new EvidenceRecord
        {
            RecordId = Guid.CreateVersion7().ToString(),
            Learner = new LearnerRef(login, null),
            Submission = new SubmissionRef(repository, new string(sha, 40)) { PullRequestNumber = 7, PullRequestUrl = $"https://github.com/{repository}/pull/7" },
            Module = new ModuleRef("MOD-523", "Serving latency"),
            Rubric = new RubricRef("MOD-523", "sha256:" + new string('a', 64)),
            Criteria = [new CriterionEvidence("latency", "Batch latency", "met", 10, 10) { Measure = measure, MeasuredValue = text }],
            Points = 10,
            MaxPoints = 10,
            Percentage = 100,
            Passed = true,
            Complete = true,
            Competencies = [],
            Runner = new RunnerRef("runner-1"),
            StartedAt = at,
            GradedAt = at,
            Leaderboard = new LeaderboardRef("latency", "lower_is_better", "login"),
        };
    }

    private async Task<(HttpStatusCode Status, string Body)> GetAsync(string path, string? token = Token)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (token is not null) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var response = await Host.Client.SendAsync(request);
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }
}
