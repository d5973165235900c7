using System.Net;
using Docker.DotNet;
using Docker.DotNet.Models;
using Grader.Server.Tests.Serve;
using Grader.Testing.GitHub;

namespace Grader.Server.Tests.Fleet;

/// <summary>
/// Faults met by a fleet of real processes: GitHub refusing the front's reads and the relay's writes, a runner killed
/// while it builds the learner's image, the front killed while GitHub holds the review it already stored, the Docker
/// engine restarted while the learner's tests run. Each ends as the fault-free grading does: every delivery processed,
/// the job completed, the outbox drained, one completed check run with the learner's result and one review.
/// </summary>
public sealed partial class FleetTests
{
    /// <summary>The learner's result of the fault-free grading (<see cref="Fleet_FrontAndRunnerProcesses_RunnerOnlyReachesPostgresAndGradesThePullRequest"/>).</summary>
    private const string FaultFreeTitle = "✅ Passed — 100/100 (100.0%)";

    /// <summary>
    /// GitHub refuses, in one grading: twice the front's read of the pull request (intake), twice the queued check run's
    /// create, twice its completion, and six times the review (more than the in-line retries, 1 + 4: the outbox relay
    /// must try again later).
    /// </summary>
    [TestCase(FaultKind.InternalServerError)]
    [TestCase(FaultKind.ServerError)]
    [TestCase(FaultKind.TooManyRequests)]
    [TestCase(FaultKind.SecondaryRateLimit)]
    public async Task Fleet_GitHubRefusesTheFrontsReadsAndThePublications_GradedOnceAsWithoutTheFault(FaultKind kind)
    {
        await ArrangeAsync(PassingTests, fleet: Fleet());
        var repository = $"/repos/{Repository.FullName}";
        var retryAfter = TimeSpan.FromSeconds(1);
        GitHub.Emulator.InjectFault(new Fault("GET", $"{repository}/pulls/{PullNumber}", kind, Count: 2, RetryAfter: retryAfter));
        GitHub.Emulator.InjectFault(new Fault("POST", $"{repository}/check-runs", kind, Count: 2, RetryAfter: retryAfter));
        GitHub.Emulator.InjectFault(new Fault("PATCH", $"{repository}/check-runs/", kind, Count: 2, RetryAfter: retryAfter, BodyContains: "\"conclusion\""));
        GitHub.Emulator.InjectFault(new Fault("POST", $"{repository}/pulls/{PullNumber}/reviews", kind, Count: 6, RetryAfter: retryAfter));
        var front = await StartAsync("serve", "--no-runner");
        var runner = await StartRunnerAsync("a");

        Assert.That(await PostDeliveryAsync(front, Guid.NewGuid().ToString(), await OpenedPayloadAsync()), Is.EqualTo(HttpStatusCode.OK), Diagnostics());
        await WaitForPublishedResultAsync();
        var store = await WaitForSettledStoreAsync();
        var refused = GitHub.Emulator.Requests(repository).Where(r => r.Status >= 400).ToList();

        Assert.Multiple(() =>
        {
            Assert.That(GitHub.Emulator.PendingFaults().Where(f => f.PathPrefix.StartsWith(repository + "/", StringComparison.Ordinal)), Is.Empty,
                "every injected fault was served\n" + Diagnostics());
            Assert.That(refused, Has.Count.EqualTo(12), "the 12 refusals, and no other\n" + Diagnostics());
            AssertGradedOnceAsWithoutFaults(store);
            Assert.That(GradingsStarted(runner), Is.EqualTo(1), "graded once\n" + Diagnostics());
        });
    }

    [Test]
    public async Task Fleet_RunnerKilledWhileItBuildsTheImage_AnotherRunnerGradesItAndOneReviewIsPosted()
    {
        // The build's one RUN step waits until the test lets it finish: the test sees the step's container and knows
        // the build is under way; each build waits on its own container.
        var marker = "build-gate-" + Guid.NewGuid().ToString("N")[..12];
        await ArrangeAsync(PassingTests, fleet: Fleet(), submissionFiles: new Dictionary<string, string>
        {
            ["Dockerfile"] = $"FROM grader/busybox:1\nRUN echo {marker} && while [ ! -e /tmp/gate-open ]; do sleep 0.1; done\nCOPY test.sh /app/test.sh\nCMD [\"sh\"]\n",
        });
        var front = await StartAsync("serve", "--no-runner");
        var first = await StartRunnerAsync("a");
        Assert.That(await PostDeliveryAsync(front, Guid.NewGuid().ToString(), await OpenedPayloadAsync()), Is.EqualTo(HttpStatusCode.OK), Diagnostics());
        using var docker = new DockerClientConfiguration().CreateClient();
        GraderServeProcess second;
        StoreCounts store;
        try
        {
            var firstBuild = await WaitForBuildStepAsync(docker, marker, except: null);

            await first.KillAsync();
            second = await StartRunnerAsync("b");
            var secondBuild = await WaitForBuildStepAsync(docker, marker, except: firstBuild);
            await OpenGateAsync(docker, secondBuild);
            await WaitForPublishedResultAsync();
            store = await WaitForSettledStoreAsync();
        }
        finally
        {
            // A build step left waiting (its build's client killed) carries no runner label for the sweep.
            await RemoveBuildStepsAsync(docker, marker);
        }

        Assert.Multiple(() =>
        {
            AssertGradedOnceAsWithoutFaults(store);
            Assert.That(GradingsStarted(first), Is.EqualTo(1), "runner a started the grading it was killed in\n" + Diagnostics());
            Assert.That(GradingsStarted(second), Is.EqualTo(1), "the job came back to the queue and runner b graded it\n" + Diagnostics());
            Assert.That(store.Attempts, Is.EqualTo(2), "the killed attempt counts\n" + Diagnostics());
        });
    }

    [Test]
    public async Task Fleet_FrontKilledWhileGitHubHoldsTheStoredReview_NewFrontFinishesWithoutADuplicate()
    {
        await ArrangeAsync(PassingTests, fleet: Fleet());
        var reviews = $"/repos/{Repository.FullName}/pulls/{PullNumber}/reviews";
        // GitHub stores the review, then keeps the front waiting for the answer: the front dies not knowing it was posted.
        GitHub.Emulator.InjectFault(new Fault("POST", reviews, FaultKind.StoredThenTimeout, Count: 1));
        var front = await StartAsync("serve", "--no-runner");
        await StartRunnerAsync("a");
        Assert.That(await PostDeliveryAsync(front, Guid.NewGuid().ToString(), await OpenedPayloadAsync()), Is.EqualTo(HttpStatusCode.OK), Diagnostics());
        await WaitUntilAsync(() => HeadReviews().Count > 0, TimeSpan.FromSeconds(90), "GitHub stored the review the front is still waiting for");
        var completedBeforeKill = HeadCheckRuns().Count(c => c.Status == "completed");

        await front.KillAsync();
        var pendingAtKill = await StoreCountsAsync();
        await StartAsync("serve", "--no-runner");
        var store = await WaitForSettledStoreAsync();

        Assert.Multiple(() =>
        {
            Assert.That(GitHub.Emulator.PendingFaults().Where(f => f.PathPrefix == reviews), Is.Empty, "the held review was met\n" + Diagnostics());
            Assert.That(completedBeforeKill, Is.EqualTo(1), "the check run was completed before the review was posted\n" + Diagnostics());
            Assert.That(pendingAtKill.UnpublishedOutbox, Is.EqualTo(1), "the killed front left the review unpublished in the outbox\n" + Diagnostics());
            AssertGradedOnceAsWithoutFaults(store);
        });
    }

    [Test]
    public async Task Fleet_DockerEngineRestartedWhileTheTestsRun_RetriedAsAGraderErrorAndOneSuccessReview()
    {
        // The runner grades on an engine of this test's own, restarted while the learner's tests wait on a gate the
        // test opens only in the next attempt's container: the first attempt cannot finish before the restart.
        var sharedBridge = Directory.Exists("/sys/class/net/docker0");
        await using var engine = await PrivateDockerEngine.StartAsync();
        using var docker = engine.CreateClient();
        await Grader.Runner.Docker.BaseImages.EnsureBusyboxAsync(docker, CancellationToken.None);
        await ArrangeAsync("echo running the tests\nwhile [ ! -e /tmp/gate-open ]; do sleep 0.1; done\nexit 0\n", fleet: Fleet());
        SetEnvironment("Grader__Docker__Endpoint", engine.Endpoint.ToString());
        var front = await StartAsync("serve", "--no-runner");
        var runner = await StartRunnerAsync("a");
        Assert.That(await PostDeliveryAsync(front, Guid.NewGuid().ToString(), await OpenedPayloadAsync()), Is.EqualTo(HttpStatusCode.OK), Diagnostics());
        var firstTests = await WaitForTestsAsync(docker, except: null);

        await engine.StopAsync();
        await engine.StartDaemonAsync();
        var secondTests = await WaitForTestsAsync(docker, except: firstTests);
        await OpenGateAsync(docker, secondTests);
        await WaitForPublishedResultAsync();
        var store = await WaitForSettledStoreAsync();

        Assert.Multiple(() =>
        {
            AssertGradedOnceAsWithoutFaults(store);
            Assert.That(store.Attempts, Is.EqualTo(2), "the attempt the restart broke counts, and the next one graded it\n" + Diagnostics());
            Assert.That(GradingsStarted(runner), Is.EqualTo(2), Diagnostics());
            Assert.That(runner.HasExited, Is.False, "the runner lives through the engine's restart\n" + Diagnostics());
            Assert.That(Directory.Exists("/sys/class/net/docker0"), Is.EqualTo(sharedBridge), "the private engine left the shared engine's bridge alone");
            Assert.That(runner.Output, Does.Contain("Grading was incomplete because of grader errors").And.Contain("The Docker engine failed"),
                "the restart reached the grading as a grader error\n" + Diagnostics());
        });
    }

    /// <summary>The running tests container of runner a on <paramref name="docker"/>'s engine (other than <paramref name="except"/>).</summary>
    private async Task<string> WaitForTestsAsync(IDockerClient docker, string? except)
    {
        string? id = null;
        await WaitUntilAsync(async () =>
            {
                var running = await docker.Containers.ListContainersAsync(new ContainersListParameters
                {
                    Filters = new Dictionary<string, IDictionary<string, bool>>
                    {
                        ["label"] = new Dictionary<string, bool>
                        {
                            [$"{Grader.Runner.Docker.DockerLabels.RunnerId}={RunnerId}-a"] = true,
                            [$"{Grader.Runner.Docker.DockerLabels.Role}=test"] = true,
                        },
                    },
                });
                id = running.FirstOrDefault(c => c.ID != except)?.ID;
                if (id is null && except is not null && HeadCheckRuns().FirstOrDefault(c => c.Status == "completed") is { } graded)
                {
                    Assert.Fail($"graded without a retry after the engine's restart: {graded.Conclusion}, {graded.Title}\n{Diagnostics()}");
                }

                return id is not null;
            }, TimeSpan.FromSeconds(60), "runner a runs the tests on its engine");
        return id!;
    }

    /// <summary>The grading ended as without any fault: nothing lost or stuck in the store, one check run with the learner's result, one review.</summary>
    private void AssertGradedOnceAsWithoutFaults(StoreCounts store)
    {
        AssertGradedOnceWithSuccess();
        Assert.That(HeadCheckRuns().Select(c => c.Title), Is.EqualTo(new[] { FaultFreeTitle }), "the learner's result, as without the fault\n" + Diagnostics());
        Assert.That(HeadReviews().Select(r => r.State), Is.EqualTo(new[] { "APPROVED" }), Diagnostics());
        Assert.That(store, Is.EqualTo(store with { UnsettledDeliveries = 0, Jobs = 1, UnfinishedJobs = 0, UnpublishedOutbox = 0, GivenUpOutbox = 0 }),
            "every delivery processed, the one job completed, every publication published\n" + Diagnostics());
    }

    [Test]
    public async Task Fleet_FrontRestartedWhileTheJobWaitsForARunner_EnqueuedOnceAndGradedOnce()
    {
        await ArrangeAsync(PassingTests, fleet: Fleet());
        var front = await StartAsync("serve", "--no-runner");
        Assert.That(await PostDeliveryAsync(front, Guid.NewGuid().ToString(), await OpenedPayloadAsync()), Is.EqualTo(HttpStatusCode.OK), Diagnostics());
        await WaitUntilAsync(async () => await GradingJobsInHangfireAsync() == 1, TimeSpan.FromSeconds(60), "the job waits in Hangfire's queue");

        await front.KillAsync();
        var restarted = await StartAsync("serve", "--no-runner");
        // The restarted front reconciles the store with Hangfire before it serves; its log says how many it enqueued again.
        await WaitUntilAsync(() => restarted.Output.Contains("Reconciled ", StringComparison.Ordinal), TimeSpan.FromSeconds(30), "the new front reconciled");
        var enqueuedAfterRestart = await GradingJobsInHangfireAsync();
        var runner = await StartRunnerAsync("a");
        var store = await WaitForSettledStoreAsync();

        Assert.Multiple(() =>
        {
            Assert.That(restarted.Output, Does.Contain("Reconciled 0 unfinished job(s)"), Diagnostics());
            Assert.That(enqueuedAfterRestart, Is.EqualTo(1), "the job, not yet claimed by a Hangfire job, was found waiting: not enqueued twice\n" + Diagnostics());
            AssertGradedOnceAsWithoutFaults(store);
            Assert.That(GradingsStarted(runner), Is.EqualTo(1), Diagnostics());
        });
    }

    [Test]
    public async Task Fleet_PostgresRestartedWhileTheTestsRun_GradedOnceAsWithoutTheFault()
    {
        // The fleet's store and queues on a server of this test's own, stopped (fast shutdown: every session ended) and
        // started again while the runner's tests run; the grading outlives the restart.
        var postgres = DisposeLast(await PrivatePostgres.StartAsync());
        await ArrangeAsync("echo running slow tests\nsleep 8\nexit 0\n", fleet: Fleet(), fleetServer: postgres.AdminConnectionString);
        var front = await StartAsync("serve", "--no-runner");
        var runner = await StartRunnerAsync("a");
        Assert.That(await PostDeliveryAsync(front, Guid.NewGuid().ToString(), await OpenedPayloadAsync()), Is.EqualTo(HttpStatusCode.OK), Diagnostics());
        await WaitUntilAsync(async () => (await RunnerContainersAsync(running: true, role: "test", runnerId: $"{RunnerId}-a")).Count > 0,
            TimeSpan.FromSeconds(60), "runner a runs the tests");

        await postgres.StopAsync();
        await postgres.StartServerAsync();
        await WaitForPublishedResultAsync();
        var store = await WaitForSettledStoreAsync();

        Assert.Multiple(() =>
        {
            AssertGradedOnceAsWithoutFaults(store);
            Assert.That(front.HasExited || runner.HasExited, Is.False, "front and runner live through the database's restart\n" + Diagnostics());
            Assert.That(front.Output + runner.Output, Does.Contain("57P01: terminating connection due to administrator command"),
                "the shutdown ended the sessions the processes held\n" + Diagnostics());
        });
    }

    /// <summary>How many grading jobs Hangfire's tables hold, in any state.</summary>
    private async Task<long> GradingJobsInHangfireAsync()
    {
        await using var database = await OpenFleetDatabaseAsync();
        await using var command = new Npgsql.NpgsqlCommand("SELECT count(*) FROM hangfire.job WHERE invocationdata->>'Type' LIKE 'Grader.Bot.Jobs.GradingJob,%'", database);
        return (long)(await command.ExecuteScalarAsync())!;
    }

    private async Task<Npgsql.NpgsqlConnection> OpenFleetDatabaseAsync()
    {
        var database = new Npgsql.NpgsqlConnection(FleetConnectionString);
        await database.OpenAsync();
        return database;
    }

    /// <summary>What the fleet's store holds: deliveries not yet processed, jobs, jobs not completed, publications not published and given up.</summary>
    private sealed record StoreCounts(long UnsettledDeliveries, long Jobs, long UnfinishedJobs, long Attempts, long UnpublishedOutbox, long GivenUpOutbox);

    private async Task<StoreCounts> StoreCountsAsync()
    {
        await using var database = await OpenFleetDatabaseAsync();
        await using var command = new Npgsql.NpgsqlCommand("""
            SELECT (SELECT count(*) FROM deliveries WHERE state NOT IN ('Processed', 'Ignored')),
                   (SELECT count(*) FROM jobs),
                   (SELECT count(*) FROM jobs WHERE state <> 'Completed'),
                   (SELECT coalesce(sum(attempts), 0) FROM jobs),
                   (SELECT count(*) FROM outbox WHERE published_at IS NULL),
                   (SELECT count(*) FROM outbox WHERE gave_up_at IS NOT NULL)
            """, database);
        await using var reader = await command.ExecuteReaderAsync();
        await reader.ReadAsync();
        return new StoreCounts(reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2), reader.GetInt64(3), reader.GetInt64(4), reader.GetInt64(5));
    }

    /// <summary>Waits until the store has nothing left to do: deliveries processed, jobs ended, the outbox drained.</summary>
    private async Task<StoreCounts> WaitForSettledStoreAsync()
    {
        StoreCounts? counts = null;
        await WaitUntilAsync(async () =>
            {
                counts = await StoreCountsAsync();
                return counts is { UnsettledDeliveries: 0, UnfinishedJobs: 0, UnpublishedOutbox: 0 } && HeadReviews().Count > 0;
            }, TimeSpan.FromSeconds(90), "the store settles (deliveries processed, jobs ended, outbox drained)");
        return counts!;
    }

    /// <summary>The running build step container whose command carries <paramref name="marker"/> (other than <paramref name="except"/>).</summary>
    private async Task<string> WaitForBuildStepAsync(IDockerClient docker, string marker, string? except)
    {
        string? id = null;
        await WaitUntilAsync(async () =>
            {
                var running = await docker.Containers.ListContainersAsync(new ContainersListParameters());
                id = running.FirstOrDefault(c => c.Command.Contains(marker, StringComparison.Ordinal) && c.ID != except)?.ID;
                return id is not null;
            }, TimeSpan.FromSeconds(60), "a runner's build runs the gated step");
        return id!;
    }

    private static async Task RemoveBuildStepsAsync(IDockerClient docker, string marker)
    {
        foreach (var container in await docker.Containers.ListContainersAsync(new ContainersListParameters { All = true }))
        {
            if (container.Command.Contains(marker, StringComparison.Ordinal))
            {
                try
                {
                    await docker.Containers.RemoveContainerAsync(container.ID, new ContainerRemoveParameters { Force = true });
                }
                catch (DockerContainerNotFoundException)
                {
                    // Its build ended and removed it meanwhile.
                }
            }
        }
    }

    /// <summary>Lets the gated build step of <paramref name="container"/> finish.</summary>
    private static async Task OpenGateAsync(IDockerClient docker, string container)
    {
        var exec = await docker.Exec.ExecCreateContainerAsync(container, new ContainerExecCreateParameters { Cmd = ["touch", "/tmp/gate-open"] });
        await docker.Exec.StartContainerExecAsync(exec.ID);
    }
}
