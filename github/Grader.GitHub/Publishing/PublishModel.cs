using Grader.Rubrics.Model;

namespace Grader.GitHub.Publishing;

/// <summary>
/// How the check run ends. The grader's choice: Success = passed, Failure = graded and not passed,
/// Neutral = not graded to the end because of a grader (infrastructure) error, so it never blocks a merge or
/// reads as a low score, ActionRequired = the learner must act before grading can happen (e.g. a missing file);
/// GitHub shows the details_url as the action's link, so set it.
/// </summary>
public enum PublishConclusion
{
    Success,
    Failure,
    Neutral,
    ActionRequired,
}

public enum PublishAnnotationLevel
{
    Notice,
    Warning,
    Failure,
}

/// <summary>A note on a file of the learner's commit, shown in the diff.</summary>
public sealed record PublishAnnotation(string Path, int StartLine, int EndLine, PublishAnnotationLevel Level, string Message, string? Title = null);

/// <summary>Where a result goes: one pull request at one head commit, within one App installation.</summary>
public sealed record PublishTarget(long InstallationId, string Owner, string Repository, int PullRequestNumber, string HeadSha, string JobId)
{
    public override string ToString() => $"{Owner}/{Repository}#{PullRequestNumber}@{HeadSha[..Math.Min(7, HeadSha.Length)]} (job {JobId})";
}

/// <summary>What the grader publishes for one graded commit: the check run's output and the review.</summary>
public sealed record PublishableResult
{
    public required string Title { get; init; }

    /// <summary>Markdown shown at the top of the check run.</summary>
    public required string Summary { get; init; }

    /// <summary>Markdown details below the summary (per-criterion feedback).</summary>
    public string? Text { get; init; }

    public required PublishConclusion Conclusion { get; init; }

    /// <summary>The review event the rubric's policy chose.</summary>
    public ReviewEvent ReviewEvent { get; init; } = ReviewEvent.Comment;

    /// <summary>Markdown body of the review; null publishes no review (check run only).</summary>
    public string? ReviewBody { get; init; }

    public IReadOnlyList<PublishAnnotation> Annotations { get; init; } = [];

    public Uri? DetailsUrl { get; init; }
}
