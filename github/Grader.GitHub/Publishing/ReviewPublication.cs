using Grader.Rubrics.Rendering;
using Grader.Rubrics.Results;
using Grader.Rubrics.Scoring;

namespace Grader.GitHub.Publishing;

/// <summary>
/// Turns a scored review into what is published on the PR: the check run's output and annotations and the
/// review. One mapping for the bot and the GitHub Action, so both post exactly the same thing.
/// </summary>
public static class ReviewPublication
{
    /// <param name="evidenceUrl">The learner's competency evidence, linked from the review's competency section.</param>
    public static PublishableResult From(ScoredReview review, Uri? detailsUrl = null, Uri? evidenceUrl = null)
    {
        ArgumentNullException.ThrowIfNull(review);
        var checkRun = MarkdownReviewRenderer.RenderCheckRun(review);
        return new PublishableResult
        {
            Title = checkRun.Title,
            Summary = checkRun.Summary,
            Text = checkRun.Text,
            // An incomplete grading is the grader's problem: neutral never blocks a merge or reads as a low score.
            Conclusion = review.Incomplete ? PublishConclusion.Neutral : review.Passed ? PublishConclusion.Success : PublishConclusion.Failure,
            ReviewEvent = review.Event,
            ReviewBody = MarkdownReviewRenderer.RenderReview(review, evidenceUrl: evidenceUrl),
            Annotations = Annotations(review),
            DetailsUrl = detailsUrl,
        };
    }

    /// <summary>Every criterion's file/line findings (an unpinned base image, a failing test's line), in criterion order.</summary>
    public static IReadOnlyList<PublishAnnotation> Annotations(ScoredReview review)
    {
        ArgumentNullException.ThrowIfNull(review);
        // Criteria the learner may not see yet (or never) publish no annotations either.
        return review.ForLearner().Criteria
            .SelectMany(c => c.Result.Annotations.Select(a => new PublishAnnotation(
                a.Path,
                Math.Max(1, a.StartLine),
                Math.Max(Math.Max(1, a.StartLine), a.EndLine),
                a.Level switch
                {
                    AnnotationLevel.Failure => PublishAnnotationLevel.Failure,
                    AnnotationLevel.Warning => PublishAnnotationLevel.Warning,
                    _ => PublishAnnotationLevel.Notice,
                },
                a.Message,
                a.Title ?? c.Criterion.Title)))
            .ToList();
    }
}
