using Grader.Rubrics.Model;
using Grader.Rubrics.Results;
using Grader.Runner.Documents;
using Grader.Runner.Tests.Support;

namespace Grader.Runner.Tests.Documents;

public sealed class FilesCheckExecutorTests
{
    private const string Runbook = """
        # Inference service runbook

        ## Alerts
        HighLatency fires when p95 is over 200 ms for 5 minutes.

        ## 2. Diagnosis steps
        Check the dashboard, then the logs.

        ```bash
        # Mitigation (inside a code block: not a heading)
        kubectl rollout undo deploy/inference
        ```

        Escalation
        ----------
        Page the on-call ML platform engineer.
        """;

    private static FilesCheck Require(params RequiredFile[] files) => new() { Require = files };

    [Test]
    public async Task ExecuteAsync_AllSectionsPresent_Passes()
    {
        using var submission = new SubmissionFolder().With("RUNBOOK.md", Runbook);
        var criterion = SubmissionFolder.Criterion(Require(new RequiredFile("RUNBOOK.md", ["Alerts", "Diagnosis", "Escalation"])));

        var result = await new FilesCheckExecutor().ExecuteAsync(criterion, submission.Context(criterion), CancellationToken.None);

        Assert.Multiple(() =>
        {
            Assert.That(result.Status, Is.EqualTo(CheckStatus.Passed), string.Join("\n", result.Details));
            Assert.That(result.Measure, Is.EqualTo(1.0));
        });
    }

    [Test]
    public async Task ExecuteAsync_SectionOnlyInCodeBlock_IsMissingAndAnnotated()
    {
        using var submission = new SubmissionFolder().With("docs/RUNBOOK.md", Runbook);
        var criterion = SubmissionFolder.Criterion(Require(new RequiredFile("docs/RUNBOOK.md", ["Alerts", "Mitigation"])));

        var result = await new FilesCheckExecutor().ExecuteAsync(criterion, submission.Context(criterion), CancellationToken.None);

        Assert.Multiple(() =>
        {
            Assert.That(result.Status, Is.EqualTo(CheckStatus.Failed));
            Assert.That(result.Measure, Is.EqualTo(2.0 / 3.0).Within(1e-9), "file found + Alerts, of file + 2 sections");
            Assert.That(result.Values["missing"], Is.EqualTo("docs/RUNBOOK.md § Mitigation"));
            Assert.That(result.Annotations.Single().Path, Is.EqualTo("docs/RUNBOOK.md"));
        });
    }

    [Test]
    public async Task ExecuteAsync_GlobPattern_MatchesCaseInsensitivelyInSubfolders()
    {
        using var submission = new SubmissionFolder().With("ops/postmortems/2026-01-outage.md", "# Summary\n# Timeline\n# Root cause\n# Action items\n");
        var criterion = SubmissionFolder.Criterion(Require(new RequiredFile("**/POSTMORTEMS/*.md", ["Timeline", "Root cause", "Action items"])));

        var result = await new FilesCheckExecutor().ExecuteAsync(criterion, submission.Context(criterion), CancellationToken.None);

        Assert.That(result.Status, Is.EqualTo(CheckStatus.Passed), string.Join("\n", result.Details));
    }

    [Test]
    public async Task ExecuteAsync_MissingFile_CountsItsSectionsAsMissing()
    {
        using var submission = new SubmissionFolder().With("SLO.md", "# SLOs\n# Error budget\n");
        var criterion = SubmissionFolder.Criterion(Require(
            new RequiredFile("SLO.md", ["Error budget"]),
            new RequiredFile("RUNBOOK.md", ["Alerts", "Escalation"])));

        var result = await new FilesCheckExecutor().ExecuteAsync(criterion, submission.Context(criterion), CancellationToken.None);

        Assert.Multiple(() =>
        {
            Assert.That(result.Status, Is.EqualTo(CheckStatus.Failed));
            Assert.That(result.Measure, Is.EqualTo(2.0 / 5.0).Within(1e-9));
            Assert.That(result.Message, Does.Contain("RUNBOOK.md"));
        });
    }

    [Test]
    public async Task ExecuteAsync_TooFewWords_FailsWithWordCount()
    {
        using var submission = new SubmissionFolder().With("POSTMORTEM.md", "# Summary\nIt broke.\n```\nlots of words in a code block that do not count at all\n```\n");
        var criterion = SubmissionFolder.Criterion(Require(new RequiredFile("POSTMORTEM.md", ["Summary"], MinWords: 50)));

        var result = await new FilesCheckExecutor().ExecuteAsync(criterion, submission.Context(criterion), CancellationToken.None);

        Assert.Multiple(() =>
        {
            Assert.That(result.Status, Is.EqualTo(CheckStatus.Failed));
            Assert.That(result.Details, Has.Some.Contains("2 words of prose; at least 50 expected"));
        });
    }

    [Test]
    public async Task ExecuteAsync_PathEscapingSubmission_IsRefused()
    {
        using var submission = new SubmissionFolder();
        var criterion = SubmissionFolder.Criterion(Require(new RequiredFile("../../etc/passwd", [])));

        var result = await new FilesCheckExecutor().ExecuteAsync(criterion, submission.Context(criterion), CancellationToken.None);

        Assert.Multiple(() =>
        {
            Assert.That(result.Status, Is.EqualTo(CheckStatus.Failed));
            Assert.That(result.Details.Single(), Does.Contain("outside the submission"));
        });
    }
}
