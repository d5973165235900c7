using System.Net;

namespace Grader.Server.Tests.Serve;

/// <summary>
/// `grader serve` killed with SIGKILL at the worst moments and started again on the same config and SQLite
/// database: every acknowledged delivery is graded, the check run completes and exactly one review is posted
/// per head commit, and nothing the killed runner started is left in Docker.
/// </summary>
public sealed class ServeRestartTests : ServeProcessTest
{
    private const string PassingTests = "echo running the tests\nexit 0\n";

    [Test]
    public async Task Serve_KilledRightAfterAcknowledgingDelivery_NextProcessGradesItAndPostsOneReview()
    {
        await ArrangeAsync(PassingTests);
        var first = await StartServeAsync();

        var status = await PostDeliveryAsync(first, Guid.NewGuid().ToString(), await OpenedPayloadAsync());
        await first.KillAsync();
        await StartServeAsync();

        Assert.That(status, Is.EqualTo(HttpStatusCode.OK), Diagnostics());
        await WaitForPublishedResultAsync();
        AssertGradedOnceWithSuccess();
    }

    [Test]
    public async Task Serve_KilledWhileGrading_NextProcessRegradesAndPostsOneReview()
    {
        // Slow tests keep the job in flight long enough to kill the process while its test container runs.
        await ArrangeAsync("echo running slow tests\nsleep 20\nexit 0\n");
        var first = await StartServeAsync();
        Assert.That(await PostDeliveryAsync(first, Guid.NewGuid().ToString(), await OpenedPayloadAsync()), Is.EqualTo(HttpStatusCode.OK), Diagnostics());
        await WaitUntilAsync(() => HeadCheckRuns().Any(c => c.Status == "in_progress"), TimeSpan.FromSeconds(45), "the check run is in_progress");
        await WaitUntilAsync(async () => (await RunnerContainersAsync(running: true, role: "test")).Count > 0, TimeSpan.FromSeconds(45), "the test container runs");

        await first.KillAsync();
        var orphans = (await RunnerContainersAsync(running: true, role: "test")).Select(c => c.ID).ToList();
        await StartServeAsync();
        // Healthy means every hosted service has started, the runner's start-up sweep included.
        var orphansAfterRestart = (await RunnerContainersAsync(running: false)).Select(c => c.ID).Intersect(orphans).ToList();

        await WaitForPublishedResultAsync();
        var left = await RunnerContainersAsync(running: false);
        Assert.Multiple(() =>
        {
            Assert.That(orphans, Is.Not.Empty, "the killed process left its test container running");
            Assert.That(orphansAfterRestart, Is.Empty, "the restarted runner swept the killed job's containers before taking jobs\n" + Diagnostics());
            AssertGradedOnceWithSuccess();
            Assert.That(left.Select(c => $"{c.ID[..12]} {c.State} {string.Join(',', c.Names)}"), Is.Empty,
                "containers of this runner left after the restarted process graded the submission\n" + Diagnostics());
        });
    }

    [Test]
    public async Task Serve_DuplicateDelivery_AfterRestart_OneReview()
    {
        await ArrangeAsync(PassingTests);
        var deliveryId = Guid.NewGuid().ToString();
        var payload = await OpenedPayloadAsync();
        var first = await StartServeAsync();

        var before = await PostDeliveryAsync(first, deliveryId, payload);
        await first.KillAsync();
        var second = await StartServeAsync();
        var after = await PostDeliveryAsync(second, deliveryId, payload);

        await WaitForPublishedResultAsync();
        Assert.Multiple(() =>
        {
            Assert.That((before, after), Is.EqualTo((HttpStatusCode.OK, HttpStatusCode.OK)), Diagnostics());
            Assert.That(second.Output, Does.Contain($"Delivery {deliveryId} (pull_request) seen before"),
                "the restarted process recognises the redelivery from SQLite\n" + Diagnostics());
            AssertGradedOnceWithSuccess();
        });
    }

    private void AssertGradedOnceWithSuccess()
    {
        var checkRuns = HeadCheckRuns();
        var reviews = HeadReviews();
        Assert.Multiple(() =>
        {
            Assert.That(checkRuns.Select(c => (c.Status, c.Conclusion)), Is.EqualTo(new[] { ("completed", (string?)"success") }),
                "one check run on the head commit, completed with success\n" + Diagnostics());
            Assert.That(reviews, Has.Count.EqualTo(1), "one review on the head commit\n" + Diagnostics());
            Assert.That(reviews.FirstOrDefault()?.Body, Does.Contain(CriterionTitles[0]).And.Contain(CriterionTitles[1]), Diagnostics());
        });
    }
}
