using Grader.Bot.Storage;

namespace Grader.Bot.Jobs;

/// <summary>
/// Grades one submission: the runner pipeline behind a seam, so the bot never runs learner code itself
/// (the runner does, in containers). Learner failures are a result; infrastructure failures throw
/// (<see cref="Runner.GraderInfrastructureException"/> or any other exception) and are retried.
/// </summary>
public interface ISubmissionGrader
{
    Task<GradingOutcome> GradeAsync(GradingAssignment assignment, IProgress<string> progress, CancellationToken cancellationToken);
}

/// <summary>What to grade: the commit of a PR and the course rubric.</summary>
public sealed record GradingAssignment(
    string JobKey,
    PullRequestRef PullRequest,
    string HeadSha,
    string RubricPath,
    string? HiddenTestsPath);

/// <summary>A graded submission, rendered for GitHub: the check run's completion and the review.</summary>
public sealed record GradingOutcome
{
    /// <summary>Check run conclusion: success, failure, neutral, action_required...</summary>
    public required string Conclusion { get; init; }
    public required string Title { get; init; }

    /// <summary>Markdown summary (the rubric table).</summary>
    public required string Summary { get; init; }
    public string? Text { get; init; }
    public IReadOnlyList<OutcomeAnnotation> Annotations { get; init; } = [];

    /// <summary>The rubric-scored review body.</summary>
    public required string ReviewBody { get; init; }

    /// <summary>APPROVE, REQUEST_CHANGES or COMMENT.</summary>
    public required string ReviewEvent { get; init; }
}

public sealed record OutcomeAnnotation(string Path, int StartLine, int EndLine, string Level, string Message, string? Title = null);
