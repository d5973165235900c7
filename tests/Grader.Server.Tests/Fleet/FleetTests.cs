using System.Net;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Grader.Server.Tests.Serve;

namespace Grader.Server.Tests.Fleet;

/// <summary>
/// The fleet as an operator runs it: PostgreSQL (the store and Hangfire's queues), `grader-server serve --no-runner` as
/// the webhook front and `grader-server work` runners as separate processes, each with its own runner id, the GitHub
/// emulator behind prism. Runners are killed, stopped and outlive their visibility timeout; every time the pull request
/// ends with one completed check run and one review, graded as it would have been without the fault.
/// </summary>
[Category("Fleet")]
public sealed partial class FleetTests : ServeProcessTest
{
    private const string PassingTests = "echo running the tests\nexit 0\n";

    private static Dictionary<string, string> Fleet(string visibility = "\"00:00:05\"", string drain = "\"00:02:00\"") => new()
    {
        ["job_visibility_timeout"] = visibility,
        ["drain_timeout"] = drain,
        ["runner_heartbeat_interval"] = "\"00:00:01\"",
        ["queue_poll_interval"] = "\"00:00:00.500\"",
    };

    [Test]
    public async Task Fleet_FrontAndRunnerProcesses_RunnerOnlyReachesPostgresAndGradesThePullRequest()
    {
        await ArrangeAsync(PassingTests, fleet: Fleet());
        var front = await StartAsync("serve", "--no-runner");
        var runner = await StartRunnerAsync("a");

        Assert.That(await PostDeliveryAsync(front, Guid.NewGuid().ToString(), await OpenedPayloadAsync()), Is.EqualTo(HttpStatusCode.OK), Diagnostics());
        await WaitForPublishedResultAsync();
        var (exitCode, listing) = await RunCommandAsync("runners", "--json");
        using var page = new HttpRequestMessage(HttpMethod.Get, new Uri(front.BaseUrl, "runners?format=json"));
        page.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", DashboardToken);
        using var dashboard = await Http.SendAsync(page);
        var dashboardRunners = JsonNode.Parse(await dashboard.Content.ReadAsStringAsync())!.AsArray();

        Assert.Multiple(() =>
        {
            AssertGradedOnceWithSuccess();
            Assert.That(HeadCheckRuns().Select(c => c.Title), Is.EqualTo(new[] { FaultFreeTitle }), "the learner's result without faults\n" + Diagnostics());
            Assert.That(GradingsStarted(runner), Is.EqualTo(1), "the runner process graded it\n" + Diagnostics());
            Assert.That(GradingsStarted(front), Is.Zero, "the front never grades\n" + Diagnostics());
            Assert.That(exitCode, Is.Zero, listing);
            var listed = JsonNode.Parse(listing)!.AsArray().Single()!;
            Assert.That(listed["runnerId"]!.GetValue<string>(), Is.EqualTo($"{RunnerId}-a"), listing);
            Assert.That(listed["queues"]!.AsArray().Select(q => q!.GetValue<string>()), Is.EqualTo(new[] { "cpu" }), listing);
            Assert.That(listed["state"]!.GetValue<string>(), Is.AnyOf("idle", "busy"), listing);
            Assert.That(dashboardRunners.Select(r => r!["runnerId"]!.GetValue<string>()), Is.EqualTo(new[] { $"{RunnerId}-a" }), "the bot's /runners page lists the same runner");
        });
    }

    [Test]
    public async Task Fleet_RunnerKilledWhileGrading_AnotherRunnerGradesItAndOneReviewIsPosted()
    {
        await ArrangeAsync("echo running slow tests\nsleep 15\nexit 0\n", fleet: Fleet());
        var front = await StartAsync("serve", "--no-runner");
        var first = await StartRunnerAsync("a");
        Assert.That(await PostDeliveryAsync(front, Guid.NewGuid().ToString(), await OpenedPayloadAsync()), Is.EqualTo(HttpStatusCode.OK), Diagnostics());
        await WaitUntilAsync(async () => (await RunnerContainersAsync(running: true, role: "test", runnerId: $"{RunnerId}-a")).Count > 0,
            TimeSpan.FromSeconds(60), "runner a runs the tests");

        await first.KillAsync();
        var second = await StartRunnerAsync("b");
        await WaitForPublishedResultAsync();
        var (_, listing) = await RunCommandAsync("runners");

        Assert.Multiple(() =>
        {
            AssertGradedOnceWithSuccess();
            Assert.That(GradingsStarted(second), Is.EqualTo(1), "the job came back to the queue and runner b graded it\n" + Diagnostics());
            Assert.That(listing, Does.Match($@"{RunnerId}-a\s+\S+\s+lost"), "the killed runner's heartbeat stopped: lost\n" + listing);
        });
    }

    [Test]
    public async Task Fleet_GradingLongerThanTheVisibilityTimeout_RunsOnceWhileAnotherRunnerWaits()
    {
        // Tests run 12 s against a 3 s visibility timeout, with a second runner polling the same queue all along.
        await ArrangeAsync("echo running slow tests\nsleep 12\nexit 0\n", fleet: Fleet(visibility: "\"00:00:03\""));
        var front = await StartAsync("serve", "--no-runner");
        var first = await StartRunnerAsync("a");
        var second = await StartRunnerAsync("b");

        Assert.That(await PostDeliveryAsync(front, Guid.NewGuid().ToString(), await OpenedPayloadAsync()), Is.EqualTo(HttpStatusCode.OK), Diagnostics());
        await WaitForPublishedResultAsync();

        Assert.Multiple(() =>
        {
            AssertGradedOnceWithSuccess();
            Assert.That(GradingsStarted(first) + GradingsStarted(second), Is.EqualTo(1), "one grading in all\n" + Diagnostics());
        });
    }

    [Test]
    public async Task Fleet_RunnerStoppedWithSigterm_FinishesItsJobThenExits()
    {
        await ArrangeAsync("echo running slow tests\nsleep 8\nexit 0\n", fleet: Fleet());
        var front = await StartAsync("serve", "--no-runner");
        var runner = await StartRunnerAsync("a");
        Assert.That(await PostDeliveryAsync(front, Guid.NewGuid().ToString(), await OpenedPayloadAsync()), Is.EqualTo(HttpStatusCode.OK), Diagnostics());
        await WaitUntilAsync(async () => (await RunnerContainersAsync(running: true, role: "test", runnerId: $"{RunnerId}-a")).Count > 0,
            TimeSpan.FromSeconds(60), "the runner runs the tests");

        var exitCode = await runner.TerminateAsync(TimeSpan.FromSeconds(90));
        await WaitForPublishedResultAsync();

        Assert.Multiple(() =>
        {
            Assert.That(exitCode, Is.Zero, Diagnostics());
            AssertGradedOnceWithSuccess();
            Assert.That(runner.Output, Does.Not.Contain("handed back"), "the job finished within the drain deadline\n" + Diagnostics());
        });
    }

    [Test]
    public async Task Fleet_RunnerStoppedPastItsDrainDeadline_HandsTheJobBackAndAnotherRunnerGradesIt()
    {
        await ArrangeAsync("echo running slow tests\nsleep 20\nexit 0\n", fleet: Fleet(drain: "\"00:00:02\""));
        var front = await StartAsync("serve", "--no-runner");
        var first = await StartRunnerAsync("a");
        Assert.That(await PostDeliveryAsync(front, Guid.NewGuid().ToString(), await OpenedPayloadAsync()), Is.EqualTo(HttpStatusCode.OK), Diagnostics());
        await WaitUntilAsync(async () => (await RunnerContainersAsync(running: true, role: "test", runnerId: $"{RunnerId}-a")).Count > 0,
            TimeSpan.FromSeconds(60), "runner a runs the tests");

        var exitCode = await first.TerminateAsync(TimeSpan.FromSeconds(60));
        var left = await RunnerContainersAsync(running: false, runnerId: $"{RunnerId}-a");
        var second = await StartRunnerAsync("b");
        await WaitForPublishedResultAsync();

        Assert.Multiple(() =>
        {
            Assert.That(exitCode, Is.Zero, Diagnostics());
            Assert.That(first.Output, Does.Contain("handed back to the queue"), Diagnostics());
            Assert.That(left.Select(c => c.ID), Is.Empty, "the stopped runner removed its job's containers before exiting\n" + Diagnostics());
            AssertGradedOnceWithSuccess();
            Assert.That(GradingsStarted(second), Is.EqualTo(1), Diagnostics());
        });
    }

    [Test]
    public async Task Fleet_PushWhileARunnerGradesTheOldHead_OldGradingStopsAndOnlyTheNewHeadIsReviewed()
    {
        await ArrangeAsync("echo running slow tests\nsleep 60\nexit 0\n", fleet: Fleet());
        var front = await StartAsync("serve", "--no-runner");
        var runner = await StartRunnerAsync("a");
        var oldHead = HeadSha;
        Assert.That(await PostDeliveryAsync(front, Guid.NewGuid().ToString(), await OpenedPayloadAsync()), Is.EqualTo(HttpStatusCode.OK), Diagnostics());
        await WaitUntilAsync(async () => (await RunnerContainersAsync(running: true, role: "test", runnerId: $"{RunnerId}-a")).Count > 0,
            TimeSpan.FromSeconds(60), "the runner grades the first head");

        var newHead = await OpenPullRequestAsync(PullNumber, PassingTests);
        Assert.That(await PostDeliveryAsync(front, Guid.NewGuid().ToString(), await OpenedPayloadAsync(headSha: newHead)), Is.EqualTo(HttpStatusCode.OK), Diagnostics());
        await WaitUntilAsync(() => HeadCheckRuns(newHead).Any(c => c.Status == "completed") && HeadReviews(headSha: newHead).Count > 0, TimeSpan.FromSeconds(120),
            "the new head is graded and reviewed");

        Assert.Multiple(() =>
        {
            Assert.That(HeadCheckRuns(newHead).Select(c => (c.Status, c.Conclusion)), Is.EqualTo(new[] { ("completed", (string?)"success") }), Diagnostics());
            Assert.That(HeadReviews(headSha: newHead), Has.Count.EqualTo(1), Diagnostics());
            Assert.That(HeadCheckRuns(oldHead).Select(c => c.Status), Is.All.EqualTo("completed"), "the superseded grading's check run ends\n" + Diagnostics());
            Assert.That(HeadCheckRuns(oldHead).Select(c => c.Conclusion), Has.None.EqualTo("success").And.None.EqualTo("failure"), Diagnostics());
            Assert.That(HeadReviews(headSha: oldHead), Is.Empty, "no review for the superseded commit\n" + Diagnostics());
            Assert.That(GradingsStarted(runner), Is.EqualTo(2), "the old grading stopped on the runner, which then graded the new head\n" + Diagnostics());
        });
    }

    [Test]
    public async Task Fleet_TwoFronts_OnlyTheActiveOnePublishesAndTheStandbyTakesOverWhenItIsKilled()
    {
        var fleet = Fleet();
        fleet["front_lease_interval"] = "\"00:00:01\"";
        await ArrangeAsync(PassingTests, fleet: fleet);
        var active = await StartAsync("serve", "--no-runner");
        var standby = await StartAsync("serve", "--no-runner");
        var runner = await StartRunnerAsync("a");
        var oldHead = HeadSha;

        // Accepted by the standby (as a load balancer may send it), interpreted and published by the active front.
        Assert.That(await PostDeliveryAsync(standby, Guid.NewGuid().ToString(), await OpenedPayloadAsync()), Is.EqualTo(HttpStatusCode.OK), Diagnostics());
        await WaitForPublishedResultAsync();
        var standbyPublishedBeforeTakeover = standby.Output.Contains("Published ", StringComparison.Ordinal);

        await active.KillAsync();
        var newHead = await OpenPullRequestAsync(PullNumber, PassingTests);
        Assert.That(await PostDeliveryAsync(standby, Guid.NewGuid().ToString(), await OpenedPayloadAsync(headSha: newHead)), Is.EqualTo(HttpStatusCode.OK), Diagnostics());
        await WaitUntilAsync(() => HeadCheckRuns(newHead).Any(c => c.Status == "completed") && HeadReviews(headSha: newHead).Count > 0, TimeSpan.FromSeconds(120),
            "the former standby graded and published the new head");

        Assert.Multiple(() =>
        {
            Assert.That(active.Output, Does.Contain("This front is the active one"), Diagnostics());
            Assert.That(active.Output, Does.Contain("Published "), "the active front published the first result\n" + Diagnostics());
            Assert.That(standbyPublishedBeforeTakeover, Is.False, "the standby published nothing while the other front was active\n" + Diagnostics());
            Assert.That(standby.Output, Does.Contain("stands by (another front is active)").And.Contain("This front is the active one"), Diagnostics());
            Assert.That(HeadCheckRuns(oldHead).Select(c => (c.Status, c.Conclusion)), Is.EqualTo(new[] { ("completed", (string?)"success") }), Diagnostics());
            Assert.That(HeadReviews(headSha: oldHead), Has.Count.EqualTo(1), "one review of the first head, published once\n" + Diagnostics());
            Assert.That(HeadCheckRuns(newHead).Select(c => (c.Status, c.Conclusion)), Is.EqualTo(new[] { ("completed", (string?)"success") }), Diagnostics());
            Assert.That(HeadReviews(headSha: newHead), Has.Count.EqualTo(1), Diagnostics());
            Assert.That(GradingsStarted(runner), Is.EqualTo(2), Diagnostics());
        });
    }

    [Test]
    public async Task Fleet_SameDeliveryThreeTimesAtOnce_GradedOnceWithOneReview()
    {
        await ArrangeAsync(PassingTests, fleet: Fleet());
        var front = await StartAsync("serve", "--no-runner");
        var runner = await StartRunnerAsync("a");
        var deliveryId = Guid.NewGuid().ToString();
        var payload = await OpenedPayloadAsync();

        var answers = await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => PostDeliveryAsync(front, deliveryId, payload)));
        await WaitForPublishedResultAsync();

        Assert.Multiple(() =>
        {
            Assert.That(answers, Is.All.EqualTo(HttpStatusCode.OK), Diagnostics());
            AssertGradedOnceWithSuccess();
            Assert.That(GradingsStarted(runner), Is.EqualTo(1), Diagnostics());
        });
    }

    [Test]
    public async Task Fleet_DatabaseAwayUntilTheGradingEnds_RetriedWhenItIsBackAndOneReviewIsPosted()
    {
        await ArrangeAsync("echo running slow tests\nsleep 6\nexit 0\n", fleet: Fleet());
        var front = await StartAsync("serve", "--no-runner");
        var runner = await StartRunnerAsync("a");
        Assert.That(await PostDeliveryAsync(front, Guid.NewGuid().ToString(), await OpenedPayloadAsync()), Is.EqualTo(HttpStatusCode.OK), Diagnostics());
        await WaitUntilAsync(async () => (await RunnerContainersAsync(running: true, role: "test", runnerId: $"{RunnerId}-a")).Count > 0,
            TimeSpan.FromSeconds(60), "the runner runs the tests");

        // PostgreSQL refuses connections and drops the open ones while the tests run, and stays away until they ended:
        // the runner finishes grading with no database to record the result in.
        await AdminAsync($"ALTER DATABASE {FleetDatabaseName} ALLOW_CONNECTIONS false");
        await AdminAsync($"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{FleetDatabaseName}'");
        await WaitUntilAsync(async () => (await RunnerContainersAsync(running: true, role: "test", runnerId: $"{RunnerId}-a")).Count == 0,
            TimeSpan.FromSeconds(60), "the tests end while the database is away");
        await AdminAsync($"ALTER DATABASE {FleetDatabaseName} ALLOW_CONNECTIONS true");
        await WaitForPublishedResultAsync();

        Assert.Multiple(() =>
        {
            AssertGradedOnceWithSuccess();
            Assert.That(front.HasExited || runner.HasExited, Is.False, "both processes live through the database's absence\n" + Diagnostics());
        });
    }

    private static async Task AdminAsync(string sql)
    {
        await using var connection = new Npgsql.NpgsqlConnection(Grader.Evidence.Tests.Support.TestDatabase.AdminConnectionString);
        await connection.OpenAsync();
        await using var command = new Npgsql.NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    /// <summary>How many gradings the process started (one worker process each).</summary>
    private static int GradingsStarted(GraderServeProcess process) => WorkerStarted().Matches(process.Output).Count;

    [GeneratedRegex(@"grading in worker process \d+")]
    private static partial Regex WorkerStarted();

    private void AssertGradedOnceWithSuccess()
    {
        var checkRuns = HeadCheckRuns();
        Assert.That(checkRuns.Select(c => (c.Status, c.Conclusion)), Is.EqualTo(new[] { ("completed", (string?)"success") }),
            "one check run on the head commit, completed with success\n" + Diagnostics());
        Assert.That(HeadReviews(), Has.Count.EqualTo(1), "one review on the head commit\n" + Diagnostics());
    }
}
