using Grader.GitHub.Publishing;
using Grader.Rubrics.Model;
using Grader.Rubrics.Scoring;

namespace Grader.Bot.Storage;

/// <summary>
/// A grading's check run and review as the learner may see them in each visibility state that matters for its rubric
/// (the due date passed or not, the results published or not), rendered once by the worker from the full review. The
/// bot keeps them (never shown to learners as a whole) and, when the state changes, edits what it posted into the
/// variant of the new state (Grader.Bot.Visibility.VisibilityRefresher): nothing is graded again.
/// </summary>
public sealed record VisibleResults
{
    /// <summary>The rubric has <c>after_due_date</c> criteria: whether the due date passed changes what is shown.</summary>
    public bool DueMatters { get; init; }

    /// <summary>The rubric has <c>after_published</c> criteria.</summary>
    public bool PublishedMatters { get; init; }

    /// <summary>The state the grading was published in (its <see cref="Key"/>).</summary>
    public string ShownKey { get; init; } = "";

    /// <summary>The check run and review per state key.</summary>
    public Dictionary<string, PublishableResult> Results { get; init; } = new(StringComparer.Ordinal);

    /// <summary>The key of a state, with the dimensions this rubric does not depend on left out.</summary>
    public string KeyFor(bool pastDue, bool published) => Key(DueMatters && pastDue, PublishedMatters && published);

    public static string Key(bool pastDue, bool published) => $"due={(pastDue ? 1 : 0)};published={(published ? 1 : 0)}";

    /// <summary>
    /// Renders every state of a full review (not the learner's view); null when the rubric shows everything it shows at
    /// once (no <c>after_due_date</c> or <c>after_published</c> criteria), so nothing can change later.
    /// </summary>
    public static VisibleResults? Render(ScoredReview full, Func<ScoredReview, PublishableResult> publish)
    {
        ArgumentNullException.ThrowIfNull(full);
        ArgumentNullException.ThrowIfNull(publish);
        var dueMatters = full.Criteria.Any(c => c.Criterion.Visibility == CriterionVisibility.AfterDueDate);
        var publishedMatters = full.Criteria.Any(c => c.Criterion.Visibility == CriterionVisibility.AfterPublished);
        if (!dueMatters && !publishedMatters) return null;

        var results = new Dictionary<string, PublishableResult>(StringComparer.Ordinal);
        foreach (var pastDue in dueMatters ? new[] { false, true } : [false])
        {
            foreach (var published in publishedMatters ? new[] { false, true } : [false])
            {
                // The moment only has to fall before or after the learner's due date (extension included) for the state.
                var context = new SubmissionContext { Now = pastDue ? DateTimeOffset.MaxValue : DateTimeOffset.MinValue, ResultsPublished = published };
                results[Key(pastDue, published)] = publish(RubricScorer.WithVisibility(full, context));
            }
        }

        // The state it was graded in shows in which deferred criteria the full review already shows.
        var shownPastDue = full.Criteria.Any(c => c.Shown && c.Criterion.Visibility == CriterionVisibility.AfterDueDate);
        var shownPublished = full.Criteria.Any(c => c.Shown && c.Criterion.Visibility == CriterionVisibility.AfterPublished);
        return new VisibleResults { DueMatters = dueMatters, PublishedMatters = publishedMatters, ShownKey = Key(shownPastDue, shownPublished), Results = results };
    }
}
