using Grader.Rubrics.Model;

namespace Grader.Rubrics.Scoring;

/// <summary>
/// When a submission was made and what the learner may see, for scoring late work and hiding criteria
/// (rubrics/README.md, "Deadlines and visibility").
/// </summary>
public sealed record SubmissionContext
{
    /// <summary>
    /// When GitHub recorded the submission (the push or pull request event), never the grader's clock at grading
    /// time, so a queue backlog never makes anyone late. Null: unknown, and no late penalty is assessed.
    /// </summary>
    public DateTimeOffset? SubmittedAt { get; init; }

    /// <summary>The learner's extension (course configuration or roster); null: none.</summary>
    public DeadlineExtension? Extension { get; init; }

    /// <summary>Whether the instructor has published the module's results (shows <c>after_published</c> criteria).</summary>
    public bool ResultsPublished { get; init; }

    /// <summary>The time the review is made, which decides whether <c>after_due_date</c> criteria are shown yet.</summary>
    public required DateTimeOffset Now { get; init; }

    /// <summary>A context whose <see cref="Now"/> is read from <paramref name="time"/>.</summary>
    public static SubmissionContext Create(TimeProvider time, DateTimeOffset? submittedAt = null, DeadlineExtension? extension = null, bool resultsPublished = false)
    {
        ArgumentNullException.ThrowIfNull(time);
        return new SubmissionContext { Now = time.GetUtcNow(), SubmittedAt = submittedAt, Extension = extension, ResultsPublished = resultsPublished };
    }

    /// <summary>Whether <paramref name="criterion"/> may be shown to the learner now. Without a context only visible criteria are.</summary>
    public static bool IsShown(Criterion criterion, Rubric rubric, SubmissionContext? context)
    {
        ArgumentNullException.ThrowIfNull(criterion);
        ArgumentNullException.ThrowIfNull(rubric);
        return criterion.Visibility switch
        {
            CriterionVisibility.Visible => true,
            CriterionVisibility.AfterDueDate => context is not null && rubric.Deadline is { } d && d.IsPastDue(context.Now, context.Extension),
            CriterionVisibility.AfterPublished => context?.ResultsPublished == true,
            _ => false,
        };
    }
}
