using Grader.GitHub.Outbox;
using Grader.GitHub.Publishing;
using Grader.GitHub.Tests.Support;
using Grader.Testing.GitHub;
using Microsoft.Extensions.DependencyInjection;

namespace Grader.GitHub.Tests.Outbox;

/// <summary>
/// The relay draining an outbox into the emulator (behind prism) on a fake clock: what GitHub does not take is
/// rescheduled when GitHub said or after back-off, given up when refused for good or out of attempts, and published
/// once when it goes through; the outbox's owner hears of each publication before it is marked done.
/// </summary>
public sealed class OutboxRelayTests : PrismValidatedTest
{
    private static PublishableResult Result() => new()
    {
        Title = "Passed: 90/100",
        Summary = "90 of 100 points.",
        Conclusion = PublishConclusion.Success,
        ReviewBody = "Well done.",
        Annotations = [new PublishAnnotation("train.py", 3, 3, PublishAnnotationLevel.Notice, "consider fp16")],
    };

    private static async Task<(GitHubClientHarness Harness, long CheckRunId)> StartedAsync(GitHubTestEnvironment github, Action<PublishingOptions>? publishing = null)
    {
        var harness = GitHubClientHarness.Create(github, publishing: publishing);
        var id = await harness.Get<GradingPublisher>().StartAsync(harness.Target(), null, CancellationToken.None);
        return (harness, id);
    }

    private static Task EnqueueResultAsync(GitHubClientHarness harness, long? checkRunId, PublishTarget? target = null) =>
        harness.Outbox.EnqueueAsync(Publication.ForResult("job-1/result", target ?? harness.Target(), Result()) with { CheckRunId = checkRunId }, CancellationToken.None);

    private static void AssertPublishedOnce(GitHubClientHarness harness)
    {
        var run = harness.Emulator.CheckRuns(harness.Repository).Single();
        Assert.That(run.Conclusion, Is.EqualTo("success"));
        Assert.That(run.Annotations, Has.Count.EqualTo(1));
        Assert.That(harness.Emulator.Reviews(harness.Repository, harness.PullRequest.Number), Has.Count.EqualTo(1));
    }

    private static int Requests(GitHubClientHarness harness) => harness.Emulator.Requests($"/repos/{harness.Repository.FullName}/").Count;

    [Test]
    public async Task DeliverDue_PrimaryRateLimitExhaustedForAnHour_RescheduledToTheResetThenPublishedOnce()
    {
        var (harness, id) = await StartedAsync(GitHub);
        await using var _ = harness;
        var reset = harness.Time.GetUtcNow().AddHours(1);
        harness.Emulator.InjectFault(new Fault("PATCH", $"/repos/{harness.Repository.FullName}/check-runs/{id}", FaultKind.PrimaryRateLimitExhausted, 1, ResetAt: reset));
        await EnqueueResultAsync(harness, id);
        var relay = harness.Get<OutboxRelay>();

        var first = await relay.DeliverDueAsync(CancellationToken.None);
        var waiting = harness.Outbox.Rows.Single();
        var requestsBefore = Requests(harness);
        harness.Time.Advance(TimeSpan.FromMinutes(59));
        var early = await relay.DeliverDueAsync(CancellationToken.None);
        var requestsEarly = Requests(harness);
        harness.Time.Advance(TimeSpan.FromMinutes(1));
        var afterReset = await relay.DeliverDueAsync(CancellationToken.None);

        Assert.Multiple(() =>
        {
            Assert.That(first, Is.Zero);
            Assert.That(waiting.Pending, Is.True);
            Assert.That(waiting.Entry.Attempts, Is.EqualTo(1));
            Assert.That(waiting.NextAttemptAt, Is.EqualTo(reset).Within(TimeSpan.FromSeconds(1)), "the reset GitHub named, not the back-off");
            Assert.That(waiting.LastError, Does.Contain("rate limit"));
            Assert.That(early, Is.Zero);
            Assert.That(requestsEarly, Is.EqualTo(requestsBefore), "nothing sent before the reset");
            Assert.That(afterReset, Is.EqualTo(1));
            Assert.That(harness.Outbox.Rows.Single().Receipt!.CheckRunId, Is.EqualTo(id));
            Assert.That(harness.Outbox.Rows.Single().Receipt!.Review, Is.Not.Null);
            AssertPublishedOnce(harness);
        });
    }

    [Test]
    public async Task DeliverDue_GitHubDownLongerThanTheInlineRetries_RescheduledWithBackoffThenPublishedOnce()
    {
        var (harness, id) = await StartedAsync(GitHub, o => o.OutboxBaseDelay = TimeSpan.FromMinutes(3));
        await using var _ = harness;
        // First attempt + 4 in-line retries all fail: more than in-line retrying covers.
        harness.Emulator.InjectFault(new Fault(null, $"/repos/{harness.Repository.FullName}/", FaultKind.ServerError, 5));
        await EnqueueResultAsync(harness, id);
        var relay = harness.Get<OutboxRelay>();

        var first = await harness.AdvanceUntilDoneAsync(relay.DeliverDueAsync(CancellationToken.None), TimeSpan.FromSeconds(2));
        harness.Time.Advance(TimeSpan.FromMinutes(2));
        var early = await relay.DeliverDueAsync(CancellationToken.None);
        harness.Time.Advance(TimeSpan.FromMinutes(2));
        var later = await relay.DeliverDueAsync(CancellationToken.None);
        harness.Time.Advance(TimeSpan.FromHours(1));
        var again = await relay.DeliverDueAsync(CancellationToken.None);

        Assert.Multiple(() =>
        {
            Assert.That(first, Is.Zero);
            Assert.That(early, Is.Zero, "not before the back-off of 3 minutes");
            Assert.That(later, Is.EqualTo(1));
            Assert.That(again, Is.Zero, "published once, then done");
            Assert.That(harness.Outbox.Rows.Single().Entry.Attempts, Is.EqualTo(1));
            AssertPublishedOnce(harness);
        });
    }

    [Test]
    public async Task DeliverDue_ThrottledLongerThanTheInlineWait_RetriedWhenGitHubSaidUntilTheAttemptsRunOut()
    {
        var (harness, id) = await StartedAsync(GitHub, o => o.OutboxMaxAttempts = 2);
        await using var _ = harness;
        var reviews = $"/repos/{harness.Repository.FullName}/pulls/{harness.PullRequest.Number}/reviews";
        harness.Emulator.InjectFault(new Fault("POST", reviews, FaultKind.TooManyRequests, 3, RetryAfter: TimeSpan.FromMinutes(10)));
        await EnqueueResultAsync(harness, id);
        var relay = harness.Get<OutboxRelay>();
        var enqueued = harness.Time.GetUtcNow();

        await relay.DeliverDueAsync(CancellationToken.None);
        var rescheduled = harness.Outbox.Rows.Single();
        harness.Time.Advance(TimeSpan.FromMinutes(10));
        await relay.DeliverDueAsync(CancellationToken.None);
        harness.Time.Advance(TimeSpan.FromDays(1));
        await relay.DeliverDueAsync(CancellationToken.None);

        var givenUp = harness.Outbox.Rows.Single();
        Assert.Multiple(() =>
        {
            Assert.That(rescheduled.NextAttemptAt, Is.EqualTo(enqueued + TimeSpan.FromMinutes(10)), "Retry-After, not the back-off");
            Assert.That(givenUp.GaveUp, Is.True);
            Assert.That(givenUp.Entry.Attempts, Is.EqualTo(2));
            Assert.That(givenUp.LastError, Does.Contain("429").Or.Contain("Too many requests"));
            Assert.That(harness.Emulator.Requests(reviews).Count(r => r.Method == "POST"), Is.EqualTo(2), "no attempt after giving up");
            Assert.That(harness.Emulator.CheckRuns(harness.Repository).Single().Conclusion, Is.EqualTo("success"), "what GitHub took stays");
        });
    }

    [Test]
    public async Task DeliverDue_PullRequestGone_GivenUpAtOnceAndKeptWithTheError()
    {
        var (harness, id) = await StartedAsync(GitHub);
        await using var _ = harness;
        await EnqueueResultAsync(harness, id, harness.Target() with { PullRequestNumber = 99 });
        var relay = harness.Get<OutboxRelay>();

        var delivered = await relay.DeliverDueAsync(CancellationToken.None);
        var requests = Requests(harness);
        harness.Time.Advance(TimeSpan.FromDays(1));
        var later = await relay.DeliverDueAsync(CancellationToken.None);

        var row = harness.Outbox.Rows.Single();
        Assert.Multiple(() =>
        {
            Assert.That(delivered, Is.Zero);
            Assert.That(row.GaveUp, Is.True);
            Assert.That(row.Entry.Attempts, Is.EqualTo(1));
            Assert.That(row.LastError, Does.Contain("NotFound"));
            Assert.That(later, Is.Zero);
            Assert.That(Requests(harness), Is.EqualTo(requests), "never tried again");
            Assert.That(harness.Logs.Entries.Count(e => e.EventId.Id == 2503), Is.EqualTo(1), "logged once as given up");
        });
    }

    [Test]
    public async Task DeliverDue_QueuedCheckRunThenItsResult_OneCheckRunQueuedThenCompleted()
    {
        await using var harness = GitHubClientHarness.Create(GitHub);
        var relay = harness.Get<OutboxRelay>();
        await harness.Outbox.EnqueueAsync(Publication.QueuedCheckRun("job-1/queued", harness.Target()), CancellationToken.None);

        await relay.DeliverDueAsync(CancellationToken.None);
        var queued = harness.Emulator.CheckRuns(harness.Repository).Single();
        var statusWhenQueued = queued.Status;
        await EnqueueResultAsync(harness, checkRunId: null);
        await relay.DeliverDueAsync(CancellationToken.None);

        Assert.Multiple(() =>
        {
            Assert.That(statusWhenQueued, Is.EqualTo("queued"));
            Assert.That(harness.Outbox.Rows.Select(r => r.Receipt?.CheckRunId), Is.EqualTo(new long?[] { queued.Id, queued.Id }), "the result found the queued run");
            AssertPublishedOnce(harness);
        });
    }

    [Test]
    public async Task DeliverDue_QueuedCheckRunLateAfterTheResult_FindsTheCompletedRunAndAddsNone()
    {
        await using var harness = GitHubClientHarness.Create(GitHub);
        var relay = harness.Get<OutboxRelay>();
        await EnqueueResultAsync(harness, checkRunId: null);
        await relay.DeliverDueAsync(CancellationToken.None);

        await harness.Outbox.EnqueueAsync(Publication.QueuedCheckRun("job-1/queued", harness.Target()), CancellationToken.None);
        await relay.DeliverDueAsync(CancellationToken.None);

        var run = harness.Emulator.CheckRuns(harness.Repository).Single();
        Assert.Multiple(() =>
        {
            Assert.That(run.StatusHistory.Last(), Is.EqualTo("completed"), "a late announcement never reopens the run");
            Assert.That(harness.Outbox.Rows.Select(r => r.Receipt?.CheckRunId), Is.EqualTo(new long?[] { run.Id, run.Id }));
            AssertPublishedOnce(harness);
        });
    }

    [Test]
    public async Task DeliverDue_QueuedCheckRunKnownAlready_NothingSent()
    {
        var (harness, id) = await StartedAsync(GitHub);
        await using var _ = harness;
        var before = Requests(harness);
        await harness.Outbox.EnqueueAsync(Publication.QueuedCheckRun("job-1/queued", harness.Target()) with { CheckRunId = id }, CancellationToken.None);

        var delivered = await harness.Get<OutboxRelay>().DeliverDueAsync(CancellationToken.None);

        Assert.Multiple(() =>
        {
            Assert.That(delivered, Is.EqualTo(1));
            Assert.That(Requests(harness), Is.EqualTo(before));
            Assert.That(harness.Outbox.Rows.Single().Receipt, Is.EqualTo(new PublishReceipt(id, null)));
        });
    }

    [Test]
    public async Task DeliverDue_Published_FollowUpHearsWhereBeforeTheEntryIsDone()
    {
        var heard = new List<(PublishReceipt Receipt, bool PendingThen)>();
        MemoryPublishOutbox? outbox = null;
        await using var harness = GitHubClientHarness.Create(GitHub, services: s => s.AddSingleton<IPublicationFollowUp>(new FollowUp((entry, receipt) =>
            heard.Add((receipt, outbox!.Rows.Single(r => r.Entry.Id == entry.Id).Pending)))));
        outbox = harness.Outbox;
        await harness.Outbox.EnqueueAsync(Publication.ForResult("job-1/result", harness.Target(), Result(), evidence: "{\"record\":1}"), CancellationToken.None);

        await harness.Get<OutboxRelay>().DeliverDueAsync(CancellationToken.None);

        var run = harness.Emulator.CheckRuns(harness.Repository).Single();
        var review = harness.Emulator.Reviews(harness.Repository, harness.PullRequest.Number).Single();
        Assert.Multiple(() =>
        {
            Assert.That(heard, Has.Count.EqualTo(1));
            Assert.That(heard[0].Receipt.CheckRunId, Is.EqualTo(run.Id));
            Assert.That(heard[0].Receipt.Review!.ReviewId, Is.EqualTo(review.Id));
            Assert.That(heard[0].PendingThen, Is.True, "heard before the entry was marked done");
            Assert.That(harness.Outbox.Rows.Single().Pending, Is.False);
        });
    }

    [Test]
    public async Task Service_SomethingEnqueuedAndSignalled_PublishedWithoutWaitingForThePoll()
    {
        await using var harness = GitHubClientHarness.Create(GitHub, services: s => s.AddSingleton<OutboxRelayService>());
        var service = harness.Get<OutboxRelayService>();
        await service.StartAsync(CancellationToken.None);
        try
        {
            await harness.Outbox.FirstClaim.Task.WaitAsync(TimeSpan.FromSeconds(60));
            await EnqueueResultAsync(harness, checkRunId: null);
            harness.Get<OutboxSignal>().Notify();

            // The fake clock stands still: only the signal can start the pass that publishes it.
            var receipt = await harness.Outbox.FirstDone.Task.WaitAsync(TimeSpan.FromSeconds(60));

            Assert.That(receipt.Review, Is.Not.Null);
            AssertPublishedOnce(harness);
        }
        finally
        {
            await service.StopAsync(CancellationToken.None);
        }
    }

    [Test]
    public async Task DeliverDue_LeaseHeldElsewhere_SendsNothingUntilThisProcessHoldsIt()
    {
        var lease = new SwitchedLease(held: false);
        await using var harness = GitHubClientHarness.Create(GitHub, services: s => s.AddSingleton<IRelayLease>(lease));
        await EnqueueResultAsync(harness, checkRunId: null);
        var relay = harness.Get<OutboxRelay>();

        var standing = await relay.DeliverDueAsync(CancellationToken.None);
        var requestsWhileStanding = Requests(harness);
        var waiting = harness.Outbox.Rows.Single();
        lease.Held = true;
        var active = await relay.DeliverDueAsync(CancellationToken.None);

        Assert.Multiple(() =>
        {
            Assert.That(standing, Is.Zero);
            Assert.That(requestsWhileStanding, Is.Zero, "a standby sends GitHub nothing");
            Assert.That(waiting.Pending, Is.True);
            Assert.That(waiting.Entry.Attempts, Is.Zero, "standing by is not an attempt");
            Assert.That(active, Is.EqualTo(1));
            AssertPublishedOnce(harness);
        });
    }

    [Test]
    public async Task DeliverDue_LeaseLostWhileAnEntryIsPublished_LeavesTheRestOfThePassUntouched()
    {
        var lease = new SwitchedLease(held: true);
        await using var harness = GitHubClientHarness.Create(GitHub, services: s => s
            .AddSingleton<IRelayLease>(lease)
            .AddSingleton<IPublicationFollowUp>(new FollowUp((_, _) => lease.Held = false)));
        await EnqueueResultAsync(harness, checkRunId: null);
        await harness.Outbox.EnqueueAsync(Publication.ForResult("job-2/result", harness.Target("job-2"), Result()), CancellationToken.None);

        var published = await harness.Get<OutboxRelay>().DeliverDueAsync(CancellationToken.None);

        var rows = harness.Outbox.Rows;
        Assert.Multiple(() =>
        {
            Assert.That(published, Is.EqualTo(1));
            Assert.That(rows.Single(r => r.Entry.Publication.Key == "job-1/result").Pending, Is.False);
            var second = rows.Single(r => r.Entry.Publication.Key == "job-2/result");
            Assert.That(second.Pending, Is.True, "the front that holds the lease now publishes it");
            Assert.That(second.Entry.Attempts, Is.Zero);
            Assert.That(harness.Emulator.CheckRuns(harness.Repository), Has.Count.EqualTo(1));
        });
    }

    /// <summary>A lease the test hands out and takes back (another process holding it, or losing it mid-pass).</summary>
    private sealed class SwitchedLease(bool held) : IRelayLease
    {
        public bool Held { get; set; } = held;

        public bool IsHeld => Held;
    }

    private sealed class FollowUp(Action<OutboxEntry, PublishReceipt> heard) : IPublicationFollowUp
    {
        public Task PublishedAsync(OutboxEntry entry, PublishReceipt receipt, CancellationToken cancellationToken)
        {
            heard(entry, receipt);
            return Task.CompletedTask;
        }
    }
}
