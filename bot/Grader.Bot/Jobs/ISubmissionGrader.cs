using Grader.Bot.Storage;
using Grader.GitHub.Publishing;
using Grader.Runner;

namespace Grader.Bot.Jobs;

/// <summary>
/// Grades one submission: the runner pipeline behind a seam, so the bot never runs learner code itself
/// (the runner does, in containers). Learner failures are a result; infrastructure failures throw
/// (<see cref="GraderInfrastructureException"/>, <see cref="IncompleteGradingException"/> or any other
/// exception) and are retried.
/// </summary>
public interface ISubmissionGrader
{
    /// <summary>The check run and review to publish, from Grader.GitHub's shared mapping of a scored review.</summary>
    Task<GradedSubmission> GradeAsync(GradingAssignment assignment, IProgress<string> progress, CancellationToken cancellationToken);
}

/// <param name="Result">The check run and review to publish.</param>
/// <param name="Evidence">The run's unsigned evidence record (EvidenceJson) when the bot records evidence; signed and stored once published.</param>
public sealed record GradedSubmission(PublishableResult Result, string? Evidence = null)
{
    /// <summary>The result in each visibility state, when the rubric defers some criteria; kept to edit what was posted later.</summary>
    public VisibleResults? Visible { get; init; }
}

/// <summary>What to grade: the commit of a PR and the course rubric.</summary>
public sealed record GradingAssignment(
    string JobKey,
    PullRequestRef PullRequest,
    string HeadSha,
    string RubricPath,
    string? HiddenTestsPath)
{
    /// <summary>The check run of the job, when it was created before grading (recorded in the evidence).</summary>
    public long? CheckRunId { get; init; }

    /// <summary>The capability the job was queued for (<c>cpu</c>, <c>gpu</c>): a GPU job gets a GPU of its own on this runner.</summary>
    public string Queue { get; init; } = Configuration.JobQueues.Cpu;

    /// <summary>When GitHub recorded the submission (late work is judged on it); null: unknown, no penalty.</summary>
    public DateTimeOffset? SubmittedAt { get; init; }

    /// <summary>The learner's deadline extension from the course configuration; null: none.</summary>
    public Grader.Rubrics.Model.DeadlineExtension? Extension { get; init; }

    /// <summary>The pull request's base commit, for benchmark references with <c>base_commit: true</c>.</summary>
    public string? BaseCommit { get; init; }

    /// <summary>Whether the instructor has published the module's results (<c>grader-server publish</c>).</summary>
    public bool ResultsPublished { get; init; }
}

/// <summary>
/// A grading that ran but could not grade every criterion because of grader errors (a runner without a GPU, a
/// Docker failure). Retried like any infrastructure failure; after the last attempt, <see cref="Partial"/> (the
/// criteria that were graded, marked incomplete, conclusion neutral) is what the check run shows.
/// </summary>
public sealed class IncompleteGradingException(string message, PublishableResult partial) : Exception(message)
{
    public PublishableResult Partial { get; } = partial;

    /// <summary>The partial run's unsigned evidence record (recorded as a grader error), when one was asked for.</summary>
    public string? Evidence { get; init; }

    /// <summary>The partial run's step timings (step metrics), when a worker reported them.</summary>
    public IReadOnlyList<Grader.Runner.Pipeline.StepTiming> Steps { get; init; } = [];
}

/// <summary>
/// The process that graded died before it answered (a crash, a stack overflow, running out of memory, a signal, its
/// deadline): a grader error, counted per job so that a job killing its worker again and again ends as one.
/// </summary>
public sealed class GradingWorkerDiedException(string message) : Exception(message);
