using Grader.Bot.Jobs;
using Grader.Bot.Storage;
using Grader.Evidence.Model;
using Grader.Evidence.Recording;
using Grader.GitHub.Publishing;
using Grader.Rubrics.Loading;
using Grader.Runner;
using Grader.Runner.Checkout;
using Grader.Runner.Pipeline;

namespace Grader.Bot.Integration.Worker;

/// <summary>
/// Grades one assignment on the runner pipeline, inside a grading worker process (<see cref="GradingWorker"/>): loads
/// the course rubric, has the runner clone the PR's head commit with the installation token it was handed and grade it
/// in containers, and renders the check run and review from the scored result with <see cref="ReviewPublication"/>
/// (annotations included). An incomplete result (a grader error kept a criterion from being graded) throws
/// <see cref="IncompleteGradingException"/> carrying the partial result, so the job is retried.
/// </summary>
public sealed class PipelineSubmissionGrader(GradingPipeline pipeline)
{
    /// <summary>The result to publish and, when the assignment asks for it, the run's unsigned evidence record (JSON).</summary>
    public sealed record Graded(PublishableResult Result, string? Evidence)
    {
        /// <summary>The run's step timings, messages left out (they may quote the learner).</summary>
        public IReadOnlyList<StepTiming> Steps { get; init; } = [];

        /// <summary>The result in each visibility state, when what the learner sees changes later (<see cref="VisibleResults"/>).</summary>
        public VisibleResults? Visible { get; init; }
    }

    public async Task<Graded> GradeAsync(WorkerAssignment assignment, IProgress<string> progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(assignment);
        var loaded = await RubricLoader.LoadFileAsync(assignment.RubricPath, cancellationToken).ConfigureAwait(false);
        if (loaded.Rubric is null)
        {
            var problems = string.Join("; ", loaded.Diagnostics.Select(d => d.ToString()));
            throw new GraderInfrastructureException($"The course rubric {assignment.RubricPath} does not load: {problems}");
        }

        var request = new GradingRequest
        {
            Rubric = loaded.Rubric,
            RubricFile = assignment.RubricPath,
            HiddenTestsDirectory = assignment.HiddenTestsPath,
            Submission = new RemoteRepositorySubmission(assignment.CloneUrl, assignment.GitRef, assignment.HeadSha, assignment.Token),
            JobId = assignment.DockerJobId,
            Repository = assignment.Repository,
            SubmittedAt = assignment.SubmittedAt,
            Extension = assignment.Extension,
            BaseCommit = assignment.BaseCommit,
            ResultsPublished = assignment.ResultsPublished,
        };
        var run = await pipeline.RunAsync(request, new StepProgress(progress), cancellationToken).ConfigureAwait(false);
        var publication = ReviewPublication.From(run.Review, evidenceUrl: assignment.EvidenceUrl);
        // An incomplete run is recorded too: as a grader error, never as the learner's attempt.
        var evidence = assignment.Evidence is { } identity ? EvidenceJson.Serialize(EvidenceRecordFactory.FromRun(run, identity)) : null;
        if (run.Review.Incomplete)
        {
            var errors = string.Join("; ", run.GraderErrors.Select(e => $"{e.Step}: {e.Message}"));
            throw new IncompleteGradingException($"Grading was incomplete because of grader errors: {errors}", publication) { Evidence = evidence, Steps = Timings(run) };
        }

        var visible = VisibleResults.Render(run.Review, review => ReviewPublication.From(review, evidenceUrl: assignment.EvidenceUrl));
        return new Graded(publication, evidence) { Steps = Timings(run), Visible = visible };
    }

    private static StepTiming[] Timings(GradingRun run) => [.. run.Steps.Select(s => s with { Message = null })];

    private sealed class StepProgress(IProgress<string> target) : IProgress<GradingProgress>
    {
        public void Report(GradingProgress value) =>
            target.Report(value.Message is null ? $"{value.Step}: {value.Status}" : $"{value.Step}: {value.Message}");
    }
}
