using Grader.Rubrics.Model;
using Grader.Runner.Checkout;

namespace Grader.Runner.Pipeline;

/// <summary>One grading job: a submission graded against a loaded rubric.</summary>
public sealed record GradingRequest
{
    public required Rubric Rubric { get; init; }
    public required SubmissionSource Submission { get; init; }

    /// <summary>The rubric's file as given (for result.json); null when the rubric did not come from a file.</summary>
    public string? RubricFile { get; init; }

    /// <summary>A hidden tests folder replacing the rubric's own (CLI --hidden-tests, bot configuration).</summary>
    public string? HiddenTestsDirectory { get; init; }

    /// <summary>The repository the submission belongs to (e.g. "org/learner-repo"): keys the previous graded commit's baselines; null = none kept.</summary>
    public string? Repository { get; init; }

    /// <summary>
    /// When GitHub recorded the submission (push or pull request event), for the rubric's late policy; never the
    /// runner's clock. Null: unknown, and no late penalty is assessed.
    /// </summary>
    public DateTimeOffset? SubmittedAt { get; init; }

    /// <summary>The learner's deadline extension; null: none.</summary>
    public DeadlineExtension? Extension { get; init; }

    /// <summary>Whether the module's results are published (shows <c>after_published</c> criteria).</summary>
    public bool ResultsPublished { get; init; }

    /// <summary>
    /// The pull request's base commit (a SHA, or a revision of a local repository), for benchmark references with
    /// <c>base_commit: true</c>; checked out from the submission's own repository. Null: not known (such criteria are grader errors).
    /// </summary>
    public string? BaseCommit { get; init; }

    /// <summary>Unique job id; labels every Docker object of the job.</summary>
    public string JobId { get; init; } = Guid.NewGuid().ToString("n")[..16];
}
