using Grader.Bot.Publishing;
using Grader.Bot.Storage;
using Grader.GitHub.Publishing;

namespace Grader.Bot.Integration;

/// <summary>
/// <see cref="IResultPublisher"/> on Grader.GitHub's check run and review publishers. Errors propagate to the
/// bot's SQLite outbox, which retries; the GitHub side finds an existing check run (external_id = job key)
/// and an existing review on the head SHA, so a retry never duplicates either. What is published comes from
/// <see cref="ReviewPublication"/>, the mapping the GitHub Action uses too.
/// </summary>
public sealed class GitHubResultPublisher(CheckRunPublisher checkRuns, ReviewPublisher reviews) : IResultPublisher
{
    public Task<long> CreateQueuedCheckRunAsync(PullRequestRef pullRequest, string headSha, CancellationToken cancellationToken) =>
        checkRuns.StartAsync(Target(pullRequest, headSha), detailsUrl: null, cancellationToken);

    public Task ReportProgressAsync(PullRequestRef pullRequest, long checkRunId, string step, CancellationToken cancellationToken) =>
        checkRuns.ReportProgressAsync(Target(pullRequest, ""), checkRunId, step, cancellationToken);

    public async Task<long> CompleteCheckRunAsync(PullRequestRef pullRequest, string headSha, long? checkRunId, PublishableResult result, CancellationToken cancellationToken)
    {
        var target = Target(pullRequest, headSha);
        var id = checkRunId ?? await checkRuns.StartAsync(target, null, cancellationToken).ConfigureAwait(false);
        await checkRuns.CompleteAsync(target, id, result, cancellationToken).ConfigureAwait(false);
        return id;
    }

    public async Task<long> PostReviewAsync(PullRequestRef pullRequest, string headSha, PublishableResult result, CancellationToken cancellationToken)
    {
        var review = await reviews.PublishAsync(Target(pullRequest, headSha), result, cancellationToken).ConfigureAwait(false);
        return review.ReviewId;
    }

    private static PublishTarget Target(PullRequestRef pullRequest, string headSha) =>
        new(pullRequest.InstallationId, pullRequest.Owner, pullRequest.Name, pullRequest.Number, headSha,
            GradingJobRecord.KeyFor(pullRequest.Repository, pullRequest.Number, headSha));
}
