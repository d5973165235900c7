using System.Globalization;
using Grader.Evidence.Recording;
using Grader.GitHub;
using Grader.GitHub.Actions;
using Grader.GitHub.Http;
using Grader.GitHub.Publishing;
using Grader.Rubrics.Loading;
using Grader.Rubrics.Rendering;
using Grader.Rubrics.Scoring;
using Grader.Runner.Checkout;
using Grader.Runner.Pipeline;
using Grader.Runner.Results;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Grader.Action;

/// <summary>Exit codes of <c>grader action</c>, the same as <c>grader grade</c>'s.</summary>
public static class ActionExitCodes
{
    public const int Passed = 0;
    public const int Failed = 1;
    public const int IncompleteOrUsage = 2;
}

/// <summary>
/// The GitHub Action: grades a clean export of the commit (the pull request's head, or GITHUB_SHA) from the
/// workspace's repository with the runner's pipeline (learner code only in containers), writes review.md,
/// result.json, the job summary and step outputs, annotates files, and on a pull request publishes the check run
/// and review with the same code as the bot, once: what GitHub still refuses after the in-line retries every call
/// gets is an error annotation and exit 2, as a grader error is (the review stays in the job summary). It refuses
/// to start (exit 2, each reason naming its fix) when the workspace lacks the commit, holds persisted credentials,
/// or instructor material sits on a runner that learner-edited workflows can reach. Only Grader's own annotations are workflow commands; every other line
/// goes through <see cref="WorkflowLog.WriteText"/>.
/// </summary>
public sealed partial class GradingAction(
    GradingPipeline pipeline,
    Func<string, GradingPublisher> publisherForToken,
    IOptions<EvidenceOptions> evidence,
    WorkflowLog log,
    ILogger<GradingAction> logger)
{
    public async Task<int> RunAsync(ActionSettings settings, ActionEnvironment environment, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(environment);

        var loaded = await RubricLoader.LoadFileAsync(settings.RubricFile, cancellationToken).ConfigureAwait(false);
        if (!loaded.Success)
        {
            foreach (var d in loaded.Diagnostics)
            {
                log.WriteCommand(WorkflowCommands.Annotation("error", d.Message, d.Location.File, d.Location.Line, column: d.Location.Column, title: "rubric"));
            }
            log.WriteText($"The rubric {settings.RubricFile} has errors; nothing was graded.");
            return ActionExitCodes.IncompleteOrUsage;
        }

        PullRequestEvent? pullRequest;
        try
        {
            pullRequest = PullRequestEvent.Read(environment.EventName, environment.EventPath);
        }
        catch (InvalidDataException e)
        {
            log.WriteCommand(WorkflowCommands.Annotation("error", e.Message, title: "grader"));
            return ActionExitCodes.IncompleteOrUsage;
        }

        var preflight = ActionPreflight.Check(settings, environment, loaded.Rubric!, pullRequest);
        if (preflight.CommitSha is null)
        {
            foreach (var refusal in preflight.Refusals)
            {
                log.WriteCommand(WorkflowCommands.Annotation("error", refusal, title: "grader: nothing was graded"));
            }
            return ActionExitCodes.IncompleteOrUsage;
        }

        var request = new GradingRequest
        {
            Rubric = loaded.Rubric!,
            RubricFile = settings.RubricFile,
            // The commit's tree, exported without .git: no credentials, untracked or modified files reach the build.
            Submission = new LocalRepositorySubmission(environment.Workspace, preflight.CommitSha),
            HiddenTestsDirectory = settings.HiddenTestsDirectory,
        };
        log.WriteText($"Grading {preflight.CommitSha} of {environment.Repository ?? environment.Workspace} against {loaded.Rubric!.Module.Id} ({loaded.Rubric.Module.Title})");
        var run = await pipeline.RunAsync(request, new ConcealingProgress(new LogProgress(log), request.Rubric, SubmissionContext.Create(TimeProvider.System)), cancellationToken).ConfigureAwait(false);

        var review = MarkdownReviewRenderer.RenderReview(run.Review);
        Directory.CreateDirectory(settings.OutputDirectory);
        await File.WriteAllTextAsync(Path.Combine(settings.OutputDirectory, "review.md"), review, cancellationToken).ConfigureAwait(false);
        await ResultJson.WriteFileAsync(ResultDocumentFactory.Create(run), Path.Combine(settings.OutputDirectory, ResultJson.FileName), cancellationToken).ConfigureAwait(false);
        if (environment.StepSummaryPath is not null)
        {
            await File.AppendAllTextAsync(environment.StepSummaryPath, review + "\n", cancellationToken).ConfigureAwait(false);
        }
        await WriteOutputsAsync(environment, run, settings, cancellationToken).ConfigureAwait(false);

        var publication = ReviewPublication.From(run.Review, environment.RunUrl);
        foreach (var a in publication.Annotations)
        {
            var level = a.Level switch { PublishAnnotationLevel.Failure => "error", PublishAnnotationLevel.Warning => "warning", _ => "notice" };
            log.WriteCommand(WorkflowCommands.Annotation(level, a.Message, a.Path, a.StartLine, a.EndLine, title: a.Title));
        }
        log.WriteText($"{ReviewTable.From(run.Review).Heading}: {run.Review.Summary}");

        var published = settings.Publish
            ? await PublishAsync(pullRequest, environment, run, publication, cancellationToken).ConfigureAwait(false)
            : Published.Nothing;
        var recording = !string.IsNullOrWhiteSpace(evidence.Value.Store);
        if (recording && !preflight.RunnerTrusted)
        {
            // The signing key would sit where a pull request that rewrites the workflow can read it and sign anything.
            log.WriteCommand(WorkflowCommands.Annotation("notice",
                "The grading was not recorded as competency evidence: this runner is not known to be ephemeral and the workflow is not enforced centrally, "
                + "so a learner-edited workflow could read the evidence signing key. Record from an ephemeral runner or a centrally enforced workflow "
                + "(or set allow-persistent-runner: true where no learner-editable workflow can run).", title: "grader evidence"));
        }
        else if (recording)
        {
            await ActionEvidence.RecordAsync(evidence.Value, environment, pullRequest, run, (published.CheckRunId, published.ReviewId), log, cancellationToken).ConfigureAwait(false);
        }

        return run.Review.Incomplete || published.Failed ? ActionExitCodes.IncompleteOrUsage
            : run.Review.Passed ? ActionExitCodes.Passed
            : ActionExitCodes.Failed;
    }

    /// <summary>What reached the pull request; <see cref="Failed"/> when GitHub did not take all of it.</summary>
    private sealed record Published(long? CheckRunId, long? ReviewId, bool Failed)
    {
        public static readonly Published Nothing = new(null, null, false);
    }

    private async Task<Published> PublishAsync(PullRequestEvent? pullRequest, ActionEnvironment environment, GradingRun run, PublishableResult publication, CancellationToken cancellationToken)
    {
        if (pullRequest is null)
        {
            log.WriteText($"Not a pull request event ({environment.EventName ?? "none"}): the review is in the job summary only.");
            return Published.Nothing;
        }
        if (environment.Token is null)
        {
            log.WriteCommand(WorkflowCommands.Annotation("warning", "No GITHUB_TOKEN: the check run and review were not posted (the review is in the job summary).", title: "grader"));
            return Published.Nothing;
        }
        var target = new PublishTarget(0, pullRequest.Owner, pullRequest.Repository, pullRequest.Number, pullRequest.HeadSha, "action-" + run.Request.JobId);
        var publisher = publisherForToken(environment.Token);
        long? checkRunId = null;
        try
        {
            checkRunId = await publisher.StartAsync(target, environment.RunUrl, cancellationToken).ConfigureAwait(false);
            var receipt = await publisher.PublishAsync(target, checkRunId, publication, cancellationToken).ConfigureAwait(false);
            log.WriteText(string.Create(CultureInfo.InvariantCulture, $"Posted check run {receipt.CheckRunId} and review {receipt.Review?.ReviewId} on {target}."));
            return new Published(receipt.CheckRunId, receipt.Review?.ReviewId, false);
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            // No outbox outlives the job: say what happened, and fail the step as a grader error does.
            var reason = SecretRedactor.Describe(ex);
            var passing = TransientFailure.IsTransient(ex, DateTimeOffset.UtcNow, out _);
            LogNotPublished(logger, target.ToString(), reason);
            log.WriteCommand(WorkflowCommands.Annotation("error",
                (passing
                    ? "GitHub did not take the check run and review now (an outage or a rate limit outlasting the retries); re-run this job to post them. "
                    : "GitHub refused the check run and review (the token needs checks and pull-requests write; a fork's pull request gets a read-only token). ")
                + "The review is in the job summary and result.json. " + reason,
                title: "grader: review not posted"));
            return new Published(checkRunId, null, true);
        }
    }

    private static async Task WriteOutputsAsync(ActionEnvironment environment, GradingRun run, ActionSettings settings, CancellationToken cancellationToken)
    {
        if (environment.OutputPath is null) return;
        var r = run.Review;
        var outputs = new (string, string)[]
        {
            ("passed", r.Passed ? "true" : "false"),
            ("incomplete", r.Incomplete ? "true" : "false"),
            ("points", r.Points.ToString(CultureInfo.InvariantCulture)),
            ("max-points", r.MaxPoints.ToString(CultureInfo.InvariantCulture)),
            ("percentage", r.Percentage.ToString(CultureInfo.InvariantCulture)),
            ("result-json", Path.GetFullPath(Path.Combine(settings.OutputDirectory, ResultJson.FileName))),
            ("review-md", Path.GetFullPath(Path.Combine(settings.OutputDirectory, "review.md"))),
        };
        foreach (var (name, value) in outputs)
        {
            await WorkflowCommands.AppendOutputAsync(environment.OutputPath, name, value, cancellationToken).ConfigureAwait(false);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The result for {Target} was not published: {Reason}")]
    private static partial void LogNotPublished(ILogger logger, string target, string reason);

    /// <summary>Progress messages quote learner output (build steps, test lines): text only, never commands.</summary>
    private sealed class LogProgress(WorkflowLog log) : IProgress<GradingProgress>
    {
        public void Report(GradingProgress value) =>
            log.WriteText(value.Message is null ? $"[{value.Step}] {value.Status}" : $"[{value.Step}] {value.Status}: {value.Message}");
    }
}
