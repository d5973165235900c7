using System.Security.Cryptography;
using System.Text;
using Grader.Bot.Configuration;
using Grader.Bot.Jobs;
using Grader.GitHub.Auth;
using Grader.GitHub.Publishing;
using Grader.Rubrics.Loading;
using Grader.Runner;
using Grader.Runner.Pipeline;
using Microsoft.Extensions.Options;

namespace Grader.Bot.Integration;

/// <summary>
/// <see cref="ISubmissionGrader"/> on the runner pipeline: loads the course rubric, has the runner clone the
/// PR's head commit with a short-lived installation token and grade it in containers, and renders the check
/// run and review from the scored result with <see cref="ReviewPublication"/> (annotations included). An
/// incomplete result (a grader error kept a criterion from being graded) throws
/// <see cref="IncompleteGradingException"/> carrying the partial result, so the job is retried.
/// </summary>
public sealed class PipelineSubmissionGrader(
    GradingPipeline pipeline,
    IInstallationTokenProvider tokens,
    IOptions<BotOptions> options,
    GradingEvidence evidence) : ISubmissionGrader
{
    public async Task<PublishableResult> GradeAsync(GradingAssignment assignment, IProgress<string> progress, CancellationToken cancellationToken)
    {
        var loaded = await RubricLoader.LoadFileAsync(assignment.RubricPath, cancellationToken).ConfigureAwait(false);
        if (loaded.Rubric is null)
        {
            var problems = string.Join("; ", loaded.Diagnostics.Select(d => d.ToString()));
            throw new GraderInfrastructureException($"The course rubric {assignment.RubricPath} does not load: {problems}");
        }

        var token = await tokens.GetTokenAsync(assignment.PullRequest.InstallationId, cancellationToken).ConfigureAwait(false);
        var cloneUrl = new Uri(options.Value.CloneUrlTemplate.Replace("{repository}", assignment.PullRequest.Repository, StringComparison.Ordinal));
        var request = new GradingRequest
        {
            Rubric = loaded.Rubric,
            RubricFile = assignment.RubricPath,
            HiddenTestsDirectory = assignment.HiddenTestsPath,
            Submission = new RemoteRepositorySubmission(cloneUrl, $"refs/pull/{assignment.PullRequest.Number}/head", assignment.HeadSha, token.Token),
            JobId = DockerJobId(assignment.JobKey),
            Repository = assignment.PullRequest.Repository,
        };
        var run = await pipeline.RunAsync(request, new StepProgress(progress), cancellationToken).ConfigureAwait(false);
        var evidenceUrl = await evidence.RecordAsync(assignment, run, cancellationToken).ConfigureAwait(false);
        var publication = ReviewPublication.From(run.Review, evidenceUrl: evidenceUrl);
        if (run.Review.Incomplete)
        {
            var errors = string.Join("; ", run.GraderErrors.Select(e => $"{e.Step}: {e.Message}"));
            throw new IncompleteGradingException($"Grading was incomplete because of grader errors: {errors}", publication);
        }

        return publication;
    }

    /// <summary>Docker labels want a short, safe id; the job key has slashes and a SHA.</summary>
    private static string DockerJobId(string jobKey) =>
        "bot-" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(jobKey)))[..16];

    private sealed class StepProgress(IProgress<string> target) : IProgress<GradingProgress>
    {
        public void Report(GradingProgress value) =>
            target.Report(value.Message is null ? $"{value.Step}: {value.Status}" : $"{value.Step}: {value.Message}");
    }
}
