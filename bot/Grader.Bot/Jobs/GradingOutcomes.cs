using Grader.GitHub.Publishing;

namespace Grader.Bot.Jobs;

/// <summary>Results the bot writes itself, when no grading result exists.</summary>
public static class GradingOutcomes
{
    /// <summary>The job was superseded or its PR closed: the check run ends neutral, no review.</summary>
    public static PublishableResult Stopped(string reason) => new()
    {
        Conclusion = PublishConclusion.Neutral,
        Title = "Grading stopped",
        Summary = $"Grading of this commit stopped: {reason}.",
    };

    /// <summary>
    /// A push after the module's hard close: acknowledged, not graded. The learner's last submission before the close
    /// stays the one of record (no review is posted, nothing earlier is superseded).
    /// </summary>
    public static PublishableResult Closed(Grader.Rubrics.Model.LateWorkAssessment assessment)
    {
        ArgumentNullException.ThrowIfNull(assessment);
        return new()
        {
            Conclusion = PublishConclusion.Neutral,
            Title = "Not graded: the module is closed",
            Summary = assessment.Explanation + " Your last submission before the close stays your graded submission; ask your instructor if you believe you have an extension.",
        };
    }

    /// <summary>
    /// A push over the module's submission limit: acknowledged, not graded now. The newest commit of the pull request at
    /// <paramref name="next"/> is graded then (this one if nothing newer was pushed).
    /// </summary>
    public static PublishableResult Deferred(Grader.Bot.Configuration.SubmissionLimit limit, DateTimeOffset next)
    {
        ArgumentNullException.ThrowIfNull(limit);
        var at = next.ToUniversalTime().ToString("yyyy-MM-dd HH:mm:ss 'UTC'", System.Globalization.CultureInfo.InvariantCulture);
        return new()
        {
            Conclusion = PublishConclusion.Neutral,
            Title = "Not graded yet: submission limit reached",
            Summary = $"Submission limit: {limit}; next grading possible at {at}; the newest commit pushed by then will be graded.",
        };
    }

    /// <summary>The grader failed after its retries: never the learner's fault, never a score.</summary>
    public static PublishableResult GraderError(string error, int attempts) => new()
    {
        Conclusion = PublishConclusion.Neutral,
        Title = "Grader error: not graded",
        Summary = $"The grader could not grade this commit after {attempts} attempt(s). This is not a problem with your submission; comment `/regrade` to try again or ask your instructor.",
        Text = error,
    };

    /// <summary>
    /// The last attempt was still incomplete: the check run shows what was graded (neutral, marked incomplete)
    /// and the attempts; no review, so the review of record comes from a complete grading after <c>/regrade</c>.
    /// </summary>
    public static PublishableResult Incomplete(IncompleteGradingException incomplete, int attempts) => incomplete.Partial with
    {
        Conclusion = PublishConclusion.Neutral,
        Summary = $"Grading stayed incomplete after {attempts} attempt(s) because of grader errors (not a problem with your submission; comment `/regrade` to try again).\n\n" + incomplete.Partial.Summary,
        ReviewBody = null,
    };
}
