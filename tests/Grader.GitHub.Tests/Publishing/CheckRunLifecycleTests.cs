using Grader.GitHub.Publishing;
using Grader.GitHub.Tests.Support;
using Grader.Testing.GitHub;

namespace Grader.GitHub.Tests.Publishing;

public sealed class CheckRunLifecycleTests : PrismValidatedTest
{
    private static PublishableResult Result(int annotations = 0, string? text = null) => new()
    {
        Title = "Passed: 86/100 (86%)",
        Summary = "## Score\n86 of 100 points.",
        Text = text ?? "### Criteria\n- tests pass",
        Conclusion = PublishConclusion.Success,
        Annotations = Enumerable.Range(1, annotations)
            .Select(i => new PublishAnnotation("src/model.py", i, i, i % 2 == 0 ? PublishAnnotationLevel.Warning : PublishAnnotationLevel.Failure, $"finding {i}"))
            .ToList(),
    };

    [Test]
    public async Task StartProgressComplete_NewJob_GoesQueuedInProgressCompleted()
    {
        await using var harness = GitHubClientHarness.Create(GitHub);
        var checks = harness.Get<CheckRunPublisher>();
        var target = harness.Target("job-42");

        var id = await checks.StartAsync(target, new Uri("https://grader.example/jobs/42"), CancellationToken.None);
        await checks.ReportProgressAsync(target, id, "Building the container image", CancellationToken.None);
        await checks.CompleteAsync(target, id, Result(), CancellationToken.None);

        var run = harness.Emulator.CheckRuns(harness.Repository).Single();
        Assert.Multiple(() =>
        {
            Assert.That(run.Id, Is.EqualTo(id));
            Assert.That(run.StatusHistory, Is.EqualTo(new[] { "queued", "in_progress", "completed" }));
            Assert.That(run.Conclusion, Is.EqualTo("success"));
            Assert.That(run.ExternalId, Is.EqualTo("job-42"));
            Assert.That(run.HeadSha, Is.EqualTo(harness.PullRequest.HeadSha));
            Assert.That(run.DetailsUrl, Is.EqualTo("https://grader.example/jobs/42"));
            Assert.That(run.Title, Is.EqualTo("Passed: 86/100 (86%)"));
            Assert.That(run.Summary, Is.EqualTo("## Score\n86 of 100 points."));
        });
    }

    [Test]
    public async Task StartAsync_RetriedJob_ReusesItsCheckRun()
    {
        await using var harness = GitHubClientHarness.Create(GitHub);
        var checks = harness.Get<CheckRunPublisher>();

        var first = await checks.StartAsync(harness.Target("job-1"), null, CancellationToken.None);
        var retried = await checks.StartAsync(harness.Target("job-1"), null, CancellationToken.None);
        var otherJob = await checks.StartAsync(harness.Target("job-2"), null, CancellationToken.None);

        Assert.Multiple(() =>
        {
            Assert.That(retried, Is.EqualTo(first));
            Assert.That(otherJob, Is.Not.EqualTo(first));
            Assert.That(harness.Emulator.CheckRuns(harness.Repository), Has.Count.EqualTo(2));
        });
    }

    [Test]
    public async Task CompleteAsync_120Annotations_SendsThemFiftyPerRequestWithTheSameOutput()
    {
        await using var harness = GitHubClientHarness.Create(GitHub);
        var checks = harness.Get<CheckRunPublisher>();
        var target = harness.Target();
        var id = await checks.StartAsync(target, null, CancellationToken.None);

        await checks.CompleteAsync(target, id, Result(annotations: 120), CancellationToken.None);

        var run = harness.Emulator.CheckRuns(harness.Repository).Single();
        var patches = harness.Emulator.Requests($"/repos/{harness.Repository.FullName}/check-runs/{id}").Where(r => r.Method == "PATCH").ToList();
        Assert.Multiple(() =>
        {
            Assert.That(run.AnnotationsPerRequest, Is.EqualTo(new[] { 50, 50, 20 }));
            Assert.That(run.Annotations.Select(a => (int)a["start_line"]!), Is.EqualTo(Enumerable.Range(1, 120)));
            Assert.That(patches, Has.Count.EqualTo(3));
            Assert.That(patches, Has.All.Matches<RecordedRequest>(r => r.Body.Contains("\"title\":\"Passed: 86/100 (86%)\"", StringComparison.Ordinal)));
            Assert.That(run.Conclusion, Is.EqualTo("success"));
            Assert.That(run.Title, Is.EqualTo("Passed: 86/100 (86%)"));
        });
    }

    [Test]
    public async Task CompleteAsync_TextLongerThanGitHubAllows_IsTruncatedWithANote()
    {
        await using var harness = GitHubClientHarness.Create(GitHub);
        var checks = harness.Get<CheckRunPublisher>();
        var target = harness.Target();
        var id = await checks.StartAsync(target, null, CancellationToken.None);

        await checks.CompleteAsync(target, id, Result(text: new string('x', 100_000)), CancellationToken.None);

        var run = harness.Emulator.CheckRuns(harness.Repository).Single();
        Assert.Multiple(() =>
        {
            Assert.That(run.Text!, Has.Length.LessThanOrEqualTo(GitHubLimits.MaxOutputCharacters));
            Assert.That(run.Text, Does.StartWith("xxxx"));
            Assert.That(run.Text, Does.Contain("Truncated:"));
            Assert.That(run.Conclusion, Is.EqualTo("success"));
        });
    }
}
