using Grader.GitHub.Publishing;
using Grader.GitHub.Tests.Support;
using Grader.Testing.GitHub;

namespace Grader.GitHub.Tests.Resilience;

/// <summary>
/// GitHub stores a create and the answer is lost (a 5xx after storing, no answer, a dropped connection), or it
/// answers 502 without storing: whatever happened, one check run per commit ends completed (none left queued),
/// one review is posted per head commit, and no annotation is added twice.
/// </summary>
public sealed class AmbiguousFailureTests : PrismValidatedTest
{
    private static readonly FaultKind[] Faults =
    [
        FaultKind.StoredThenBadGateway,
        FaultKind.StoredThenInternalError,
        FaultKind.StoredThenTimeout,
        FaultKind.StoredThenConnectionReset,
        FaultKind.ServerError,
    ];

    private static PublishableResult Result(int annotations = 1) => new()
    {
        Title = "Passed: 90/100",
        Summary = "90 of 100 points.",
        Conclusion = PublishConclusion.Success,
        ReviewEvent = Grader.Rubrics.Model.ReviewEvent.Approve,
        ReviewBody = "Well done.",
        Annotations = Enumerable.Range(1, annotations)
            .Select(i => new PublishAnnotation("train.py", i, i, PublishAnnotationLevel.Notice, $"finding {i}"))
            .ToList(),
    };

    // A stored-then-silent request waits for this before the client gives up; the clock of back-offs is the fake one.
    private GitHubClientHarness Harness() =>
        GitHubClientHarness.Create(GitHub, resilience: o => o.AttemptTimeout = TimeSpan.FromSeconds(3));

    [TestCaseSource(nameof(Faults))]
    public async Task StartAndPublish_CheckRunCreateFails_ExactlyOneCheckRunEndsCompleted(FaultKind kind)
    {
        await using var harness = Harness();
        harness.Emulator.InjectFault(new Fault("POST", $"/repos/{harness.Repository.FullName}/check-runs", kind, 1));
        var publisher = harness.Get<GradingPublisher>();

        var id = await harness.AdvanceUntilDoneAsync(publisher.StartAsync(harness.Target(), null, CancellationToken.None), TimeSpan.FromMilliseconds(500));
        var receipt = await harness.AdvanceUntilDoneAsync(publisher.PublishAsync(harness.Target(), id, Result(), CancellationToken.None), TimeSpan.FromMilliseconds(500));

        var runs = harness.Emulator.CheckRuns(harness.Repository).Where(r => r.HeadSha == harness.PullRequest.HeadSha).ToList();
        Assert.Multiple(() =>
        {
            Assert.That(receipt.CheckRunId, Is.EqualTo(id));
            Assert.That(harness.Emulator.PendingFaults().Where(f => f.PathPrefix.Contains(harness.Repository.FullName, StringComparison.Ordinal)), Is.Empty, "the fault was met");
            Assert.That(runs, Has.Count.EqualTo(1), "one check run on the commit, none left queued beside it");
            Assert.That(runs.Single().Id, Is.EqualTo(id), "the stored one was found and used, or created anew when GitHub had stored nothing");
            Assert.That(runs.Single().Status, Is.EqualTo("completed"));
            Assert.That(runs.Single().Conclusion, Is.EqualTo("success"));
        });
    }

    [TestCaseSource(nameof(Faults))]
    public async Task PublishAsync_ReviewPostFails_ExactlyOneReviewOnTheHeadCommit(FaultKind kind)
    {
        await using var harness = Harness();
        var publisher = harness.Get<GradingPublisher>();
        var id = await publisher.StartAsync(harness.Target(), null, CancellationToken.None);
        harness.Emulator.InjectFault(new Fault("POST", $"/repos/{harness.Repository.FullName}/pulls/7/reviews", kind, 1));

        var receipt = await harness.AdvanceUntilDoneAsync(publisher.PublishAsync(harness.Target(), id, Result(), CancellationToken.None), TimeSpan.FromMilliseconds(500));
        var again = await publisher.PublishAsync(harness.Target(), id, Result(), CancellationToken.None);

        var reviews = harness.Emulator.Reviews(harness.Repository, harness.PullRequest.Number);
        Assert.Multiple(() =>
        {
            Assert.That(harness.Emulator.PendingFaults().Where(f => f.PathPrefix.Contains(harness.Repository.FullName, StringComparison.Ordinal)), Is.Empty, "the fault was met");
            Assert.That(reviews, Has.Count.EqualTo(1), "one APPROVED review, not two");
            Assert.That(reviews.Single().State, Is.EqualTo("APPROVED"));
            Assert.That(receipt.Review!.ReviewId, Is.EqualTo(reviews.Single().Id));
            Assert.That(again.Review!.AlreadyExisted, Is.True);
            Assert.That(harness.Emulator.CheckRuns(harness.Repository).Single().Status, Is.EqualTo("completed"));
        });
    }

    [TestCaseSource(nameof(Faults))]
    public async Task PublishAsync_AnnotationBatchFails_EveryAnnotationStoredOnce(FaultKind kind)
    {
        await using var harness = Harness();
        var publisher = harness.Get<GradingPublisher>();
        var id = await publisher.StartAsync(harness.Target(), null, CancellationToken.None);
        // The second of three PATCHes: the first 50 are in, the next 50 are stored (or not) and the answer is lost.
        harness.Emulator.InjectFault(new Fault("PATCH", $"/repos/{harness.Repository.FullName}/check-runs/{id}", kind, 1, Skip: 1));

        var receipt = await harness.AdvanceUntilDoneAsync(publisher.PublishAsync(harness.Target(), id, Result(annotations: 120), CancellationToken.None), TimeSpan.FromMilliseconds(500));

        var run = harness.Emulator.CheckRuns(harness.Repository).Single();
        Assert.Multiple(() =>
        {
            Assert.That(receipt.CheckRunId, Is.EqualTo(id));
            Assert.That(harness.Emulator.PendingFaults().Where(f => f.PathPrefix.Contains(harness.Repository.FullName, StringComparison.Ordinal)), Is.Empty, "the fault was met");
            Assert.That(run.Annotations.Select(a => (int)a["start_line"]!), Is.EqualTo(Enumerable.Range(1, 120)), "each annotation once, in order");
            Assert.That(run.Conclusion, Is.EqualTo("success"));
        });
    }
}
