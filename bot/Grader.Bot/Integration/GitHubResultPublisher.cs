using Grader.Bot.Jobs;
using Grader.Bot.Publishing;
using Grader.Bot.Storage;
using Grader.GitHub.Publishing;
using Grader.Rubrics.Model;

namespace Grader.Bot.Integration;

/// <summary>
/// <see cref="IResultPublisher"/> on Grader.GitHub's check run and review publishers. Errors propagate to the
/// bot's SQLite outbox, which retries; the GitHub side finds an existing check run (external_id = job key)
/// and an existing review on the head SHA, so a retry never duplicates either.
/// </summary>
public sealed class GitHubResultPublisher(CheckRunPublisher checkRuns, ReviewPublisher reviews) : IResultPublisher
{
    public Task<long> CreateQueuedCheckRunAsync(PullRequestRef pullRequest, string headSha, CancellationToken cancellationToken) =>
        checkRuns.StartAsync(Target(pullRequest, headSha), detailsUrl: null, cancellationToken);

    public Task ReportProgressAsync(PullRequestRef pullRequest, long checkRunId, string step, CancellationToken cancellationToken) =>
        checkRuns.ReportProgressAsync(Target(pullRequest, ""), checkRunId, step, cancellationToken);

    public async Task<long> CompleteCheckRunAsync(PullRequestRef pullRequest, string headSha, long? checkRunId, GradingOutcome outcome, CancellationToken cancellationToken)
    {
        var target = Target(pullRequest, headSha);
        var id = checkRunId ?? await checkRuns.StartAsync(target, null, cancellationToken).ConfigureAwait(false);
        await checkRuns.CompleteAsync(target, id, ToPublishable(outcome), cancellationToken).ConfigureAwait(false);
        return id;
    }

    public async Task<long> PostReviewAsync(PullRequestRef pullRequest, string headSha, GradingOutcome outcome, CancellationToken cancellationToken)
    {
        var review = await reviews.PublishAsync(Target(pullRequest, headSha), ToPublishable(outcome), cancellationToken).ConfigureAwait(false);
        return review.ReviewId;
    }

    private static PublishTarget Target(PullRequestRef pullRequest, string headSha) =>
        new(pullRequest.InstallationId, pullRequest.Owner, pullRequest.Name, pullRequest.Number, headSha,
            GradingJobRecord.KeyFor(pullRequest.Repository, pullRequest.Number, headSha));

    internal static Grader.GitHub.Publishing.PublishableResult ToPublishable(GradingOutcome outcome) => new()
    {
        Title = outcome.Title,
        Summary = outcome.Summary,
        Text = outcome.Text,
        // GitHub's "cancelled" is not the grader's to choose; a stopped job reads as neutral.
        Conclusion = outcome.Conclusion switch
        {
            "success" => PublishConclusion.Success,
            "failure" => PublishConclusion.Failure,
            "action_required" => PublishConclusion.ActionRequired,
            _ => PublishConclusion.Neutral,
        },
        ReviewEvent = outcome.ReviewEvent switch
        {
            "APPROVE" => ReviewEvent.Approve,
            "REQUEST_CHANGES" => ReviewEvent.RequestChanges,
            _ => ReviewEvent.Comment,
        },
        ReviewBody = string.IsNullOrEmpty(outcome.ReviewBody) ? null : outcome.ReviewBody,
        Annotations = outcome.Annotations
            .Select(a => new PublishAnnotation(a.Path, a.StartLine, a.EndLine, a.Level switch
            {
                "failure" => PublishAnnotationLevel.Failure,
                "warning" => PublishAnnotationLevel.Warning,
                _ => PublishAnnotationLevel.Notice,
            }, a.Message, a.Title))
            .ToList(),
    };
}
