using System.Text.Json.Nodes;
using Grader.Bot.Storage;
using Grader.Bot.Tests.Support;

namespace Grader.Bot.Tests.Intake;

internal sealed class CommandAndInstallationTests : BotTestBase
{
    private JsonObject Comment(string body, string login)
    {
        var payload = Address(WebhookFixtures.Load("issue_comment/created.with-installation.payload.json"));
        payload["issue"]!["pull_request"] = new JsonObject { ["url"] = $"https://api.github.com/repos/{Repository.FullName}/pulls/{PullNumber}" };
        payload["issue"]!["number"] = PullNumber;
        payload["comment"]!["body"] = body;
        payload["comment"]!["user"]!["login"] = login;
        payload["sender"]!["login"] = login;
        return payload;
    }

    [Test]
    public async Task GradeComment_ByPullRequestAuthorOnDraft_GradesCurrentHeadFromGitHub()
    {
        // The comment carries no SHA: the bot asks GitHub for the PR's head, here a newer draft commit.
        var head = await PushAsync(Scripts.Passing + " # second push", draft: true);

        using (await Host.PostAsync("issue_comment", Comment("/grade please", Author)))
        {
        }

        await WaitForJobStateAsync(head, JobState.Completed);
        Assert.That((await WaitForCompletedCheckRunAsync(head)).Conclusion, Is.EqualTo("success"));
    }

    [Test]
    public async Task GradeComment_ByReadOnlyUser_Refused()
    {
        Emulator.SetPermission(Repository, "stranger", "read");

        using (await Host.PostAsync("issue_comment", Comment("/grade", "stranger"), "refused-1"))
        {
        }

        await Eventually.ThatAsync(
            () => Host.Store.GetDeliveryAsync("refused-1", CancellationToken.None), d => d?.State == DeliveryState.Processed, "interpreted");
        Assert.That(await JobAsync(HeadSha), Is.Null);
        Assert.That(Emulator.Requests($"/repos/{Repository.FullName}/collaborators/stranger/permission"), Is.Not.Empty, "permission asked of GitHub");
    }

    [Test]
    public async Task RegradeComment_ByCollaboratorWithWrite_RegradesFinishedShaKeepsOneReview()
    {
        Emulator.SetPermission(Repository, "teacher", "write");
        using (await Host.PostAsync("pull_request", PullRequestEvent("opened")))
        {
        }

        await WaitForJobStateAsync(HeadSha, JobState.Completed);
        await WaitForReviewAsync();
        using (await Host.PostAsync("issue_comment", Comment("/regrade", "teacher")))
        {
        }

        await WaitForCheckRunAsync(HeadSha, run => run.StatusHistory.Count(s => s == "completed") == 2, "completed a second time");
        await WaitForJobStateAsync(HeadSha, JobState.Completed);
        Assert.That(Reviews(), Has.Count.EqualTo(1), "one review per head SHA");
        Assert.That(Emulator.CheckRuns(Repository), Has.Count.EqualTo(1), "the regrade reuses the SHA's check run");
    }

    [Test]
    public async Task CheckRunRerequested_GradedRepository_Regraded()
    {
        var payload = Address(WebhookFixtures.Load("check_run/rerequested.payload.json"));
        payload["check_run"]!["head_sha"] = HeadSha;
        payload["check_run"]!["pull_requests"] = new JsonArray(new JsonObject { ["number"] = PullNumber });

        using (await Host.PostAsync("check_run", payload))
        {
        }

        await WaitForJobStateAsync(HeadSha, JobState.Completed);
        Assert.That((await WaitForCompletedCheckRunAsync(HeadSha)).Conclusion, Is.EqualTo("success"));
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
