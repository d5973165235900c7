using System.Text.Json.Nodes;
using Grader.Bot.Publishing;
using Grader.Bot.Storage;
using Grader.Bot.Tests.Support;

namespace Grader.Bot.Tests.Intake;

internal sealed class CommandAndInstallationTests : BotTestBase
{
    private static JsonObject Comment(string body, string login)
    {
        var payload = WebhookFixtures.Load("issue_comment/created.with-installation.payload.json");
        payload["issue"]!["pull_request"] = new JsonObject { ["url"] = "https://api.github.com/repos/Codertocat/Hello-World/pulls/2" };
        payload["issue"]!["number"] = 2;
        payload["comment"]!["body"] = body;
        payload["comment"]!["user"]!["login"] = login;
        payload["sender"]!["login"] = login;
        return payload;
    }

    [Test]
    public async Task GradeComment_ByPullRequestAuthor_SchedulesCurrentHead()
    {
        Gateway.PullRequest = new PullRequestSnapshot(2, "aaaa000000000000000000000000000000000001", "Codertocat", Draft: true, Open: true);

        using (await Host.PostAsync("issue_comment", Comment("/grade please", "Codertocat")))
        {
        }

        await WaitForJobStateAsync("aaaa000000000000000000000000000000000001", JobState.Completed);
    }

    [Test]
    public async Task GradeComment_ByReadOnlyUser_Refused()
    {
        Gateway.Permissions["stranger"] = "read";

        using (await Host.PostAsync("issue_comment", Comment("/grade", "stranger"), "refused-1"))
        {
        }

        var delivery = await Eventually.ThatAsync(
            () => Host.Store.GetDeliveryAsync("refused-1", CancellationToken.None), d => d?.State == DeliveryState.Processed, "interpreted");
        Assert.That(await JobAsync(WebhookFixtures.HeadSha), Is.Null);
        Assert.That(delivery!.State, Is.EqualTo(DeliveryState.Processed));
    }

    [Test]
    public async Task RegradeComment_ByCollaboratorWithWrite_RegradesFinishedSha()
    {
        Gateway.Permissions["teacher"] = "write";
        using (await Host.PostAsync("pull_request", WebhookFixtures.PullRequest("opened")))
        {
        }

        await WaitForJobStateAsync(WebhookFixtures.HeadSha, JobState.Completed);
        using (await Host.PostAsync("issue_comment", Comment("/regrade", "teacher")))
        {
        }

        await Eventually.ThatAsync(() => Grader.Started.Count == 2, "graded twice");
        await WaitForJobStateAsync(WebhookFixtures.HeadSha, JobState.Completed);
        await Eventually.ThatAsync(() => Publisher.Of("completed").Count() == 2, "check run completed twice");
        Assert.That(Publisher.Of("review").Count(), Is.EqualTo(1), "one review per head SHA");
    }

    [Test]
    public async Task CheckRunRerequested_GradedRepository_Regraded()
    {
        var payload = WebhookFixtures.Load("check_run/rerequested.payload.json");
        payload["repository"]!["full_name"] = WebhookFixtures.Repository;
        var sha = payload["check_run"]!["head_sha"]!.GetValue<string>();
        payload["check_run"]!["pull_requests"] = new JsonArray(new JsonObject { ["number"] = 2 });

        using (await Host.PostAsync("check_run", payload))
        {
        }

        await WaitForJobStateAsync(sha, JobState.Completed);
    }

    [Test]
    public async Task InstallationEvents_RepositoriesRemembered()
    {
        using (await Host.PostAsync("installation", WebhookFixtures.Load("installation/created.payload.json")))
        {
        }

        var created = await Eventually.ThatAsync(
            () => Host.Store.GetInstallationRepositoriesAsync(957387, CancellationToken.None), r => r.Count > 0, "installation stored");
        using (await Host.PostAsync("installation_repositories", WebhookFixtures.Load("installation_repositories/added.payload.json")))
        {
        }

        var added = WebhookFixtures.Load("installation_repositories/added.payload.json")["repositories_added"]!.AsArray()
            .Select(r => r!["full_name"]!.GetValue<string>()).ToList();
        var after = await Eventually.ThatAsync(
            () => Host.Store.GetInstallationRepositoriesAsync(957387, CancellationToken.None), r => added.All(r.Contains), "added stored");
        Assert.That(after, Is.SupersetOf(created));
    }
}
