using System.Globalization;
using Grader.Evidence.Recording;
using Grader.GitHub.Actions;
using Grader.Runner.Pipeline;

namespace Grader.Action;

/// <summary>
/// The action records every grading as signed competency evidence: the learner is the pull request's author (else
/// GITHUB_ACTOR), with the PR, commit, check run and review. A store that cannot be written is reported as an error
/// annotation; it never changes the learner's verdict.
/// </summary>
internal static class ActionEvidence
{
    /// <param name="settings">The store and the signing key (evidence.signing_key_path; else kept beside a SQLite store).</param>
    public static async Task RecordAsync(EvidenceOptions settings, ActionEnvironment environment, PullRequestEvent? pullRequest, GradingRun run, (long? CheckRunId, long? ReviewId) published, WorkflowLog log, CancellationToken cancellationToken)
    {
        var repository = pullRequest is not null ? $"{pullRequest.Owner}/{pullRequest.Repository}" : environment.Repository ?? environment.Workspace;
        var prUrl = pullRequest is null ? null : string.Create(CultureInfo.InvariantCulture, $"{environment.ServerUrl}/{repository}/pull/{pullRequest.Number}");
        var identity = new SubmissionIdentity(pullRequest?.AuthorLogin ?? environment.Actor ?? "unknown", repository)
        {
            LearnerGitHubId = pullRequest?.AuthorId,
            PullRequestNumber = pullRequest?.Number,
            PullRequestUrl = prUrl,
            HeadSha = pullRequest?.HeadSha ?? environment.Sha,
            CheckRunUrl = published.CheckRunId is { } check ? string.Create(CultureInfo.InvariantCulture, $"{environment.ServerUrl}/{repository}/runs/{check}") : null,
            ReviewUrl = published.ReviewId is { } review && prUrl is not null ? string.Create(CultureInfo.InvariantCulture, $"{prUrl}#pullrequestreview-{review}") : null,
        };
        try
        {
            var row = await EvidenceRecorder.RecordOnceAsync(settings, run, identity, null, cancellationToken).ConfigureAwait(false);
            log.WriteText($"Recorded competency evidence {row.RecordId} for {identity.LearnerLogin}.");
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            log.WriteCommand(WorkflowCommands.Annotation("error", $"The grading was not recorded as evidence ({settings.Store}): {e.Message}", title: "grader evidence"));
        }
    }
}
