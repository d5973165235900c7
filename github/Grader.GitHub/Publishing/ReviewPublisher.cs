using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using Grader.GitHub.Auth;
using Grader.GitHub.Clients;
using Grader.GitHub.Http;
using Grader.Rubrics.Model;
using Microsoft.Extensions.Logging;
using Octokit;

namespace Grader.GitHub.Publishing;

/// <summary>The review that was posted, or found already posted, for a head commit.</summary>
public sealed record ReviewOutcome(long ReviewId, bool AlreadyExisted, ReviewEvent PostedEvent);

/// <summary>
/// Posts exactly one review per (pull request, head commit): a hidden marker in the body names the commit, so a
/// retried job or a duplicate delivery finds the review already there and posts nothing. Only a review written by
/// this App's bot user counts: anyone can copy the marker into a review of their own. A post whose answer was lost
/// (GitHub stored it, then a 5xx, a timeout or a dropped connection) is looked up before posting again.
/// </summary>
public sealed partial class ReviewPublisher(IGitHubClientFactory clients, GitHubAppIdentity identity, LookBeforeWriteRetry writes, ILogger<ReviewPublisher> logger)
{
    // Serialises publishers of the same commit within this process; across processes the job queue runs one job per commit.
    private readonly ConcurrentDictionary<string, SemaphoreSlim> _locks = new(StringComparer.Ordinal);

    /// <summary>How every review marker starts, whatever its commit.</summary>
    internal const string MarkerStart = "<!-- grader:sha=";

    /// <summary>Marks a review Grader collapsed because a newer commit was reviewed: such a review is edited no more.</summary>
    public const string SupersededMarker = "<!-- grader:superseded -->";

    public static string Marker(PublishTarget target) => $"{MarkerStart}{target.HeadSha};job={target.JobId} -->";

    private static string MarkerPrefix(string headSha) => $"{MarkerStart}{headSha};";

    public async Task<ReviewOutcome> PublishAsync(PublishTarget target, PublishableResult result, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(result.ReviewBody);
        var key = $"{target.Owner}/{target.Repository}#{target.PullRequestNumber}@{target.HeadSha}";
        var gate = _locks.GetOrAdd(key, static _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var client = clients.CreateInstallationClient(target.InstallationId);
            return await writes.RunAsync($"the review of {target}", ct => FindAsync(client, target, ct), async (existing, ct) =>
            {
                if (existing is not null)
                {
                    LogReviewExists(logger, existing.Id, target.ToString());
                    return new ReviewOutcome(existing.Id, true, ToReviewEvent(existing.State.Value));
                }

                return await CreateAsync(client, target, result.ReviewBody, result.ReviewEvent, ct).ConfigureAwait(false);
            }, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            gate.Release();
        }
    }

    /// <summary>
    /// Edits this App's review of the target's commit to <paramref name="body"/> (its marker kept), unless it already
    /// says that or was superseded by a newer commit's review; null when there is no such review.
    /// </summary>
    public async Task<ReviewOutcome?> EditAsync(PublishTarget target, string body, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(body);
        var client = clients.CreateInstallationClient(target.InstallationId);
        var existing = await FindAsync(client, target, cancellationToken).ConfigureAwait(false);
        if (existing is null) return null;
        var outcome = new ReviewOutcome(existing.Id, true, ToReviewEvent(existing.State.Value));
        if (existing.Body.Contains(SupersededMarker, StringComparison.Ordinal)) return outcome;
        var markerAt = existing.Body.LastIndexOf(MarkerPrefix(target.HeadSha), StringComparison.Ordinal);
        var marker = markerAt < 0 ? Marker(target) : existing.Body[markerAt..];
        var edited = GitHubLimits.Truncate(body, GitHubLimits.MaxOutputCharacters - marker.Length - 2) + "\n\n" + marker;
        if (edited == existing.Body) return outcome;
        await ReplaceBodyAsync(client, target, existing.Id, edited, cancellationToken).ConfigureAwait(false);
        LogReviewEdited(logger, existing.Id, target.ToString());
        return outcome;
    }

    /// <summary>
    /// Replaces the body of review <paramref name="reviewId"/> on the target's pull request. Takes the caller's client
    /// (each client opens its own connections); Octokit has no call for this endpoint, hence the raw PUT.
    /// </summary>
    internal static Task ReplaceBodyAsync(IGitHubClient client, PublishTarget target, long reviewId, string body, CancellationToken cancellationToken)
    {
        var uri = new Uri(
            $"repos/{target.Owner}/{target.Repository}/pulls/{target.PullRequestNumber.ToString(CultureInfo.InvariantCulture)}/reviews/{reviewId.ToString(CultureInfo.InvariantCulture)}",
            UriKind.Relative);
        return GitHubCallScope.RunAsync(() => client.Connection.Put<PullRequestReview>(uri, new { body }), cancellationToken);
    }

    /// <summary>This App's review of the head commit, if GitHub holds one.</summary>
    private async Task<PullRequestReview?> FindAsync(IGitHubClient client, PublishTarget target, CancellationToken cancellationToken)
    {
        var reviews = await GitHubCallScope.RunAsync(
            () => client.PullRequest.Review.GetAll(target.Owner, target.Repository, target.PullRequestNumber), cancellationToken).ConfigureAwait(false);
        var marked = reviews.Where(r => r.CommitId == target.HeadSha && r.Body?.Contains(MarkerPrefix(target.HeadSha), StringComparison.Ordinal) == true).ToList();
        foreach (var forged in marked.Where(r => !identity.Authored(r)))
        {
            LogForgedMarker(logger, forged.Id, forged.User?.Login, target.ToString());
        }

        return marked.FirstOrDefault(identity.Authored);
    }

    private async Task<ReviewOutcome> CreateAsync(IGitHubClient client, PublishTarget target, string body, ReviewEvent reviewEvent, CancellationToken cancellationToken)
    {
        try
        {
            var created = await PostAsync(client, target, body, reviewEvent, cancellationToken).ConfigureAwait(false);
            LogReviewPosted(logger, created.Id, reviewEvent, target.ToString());
            return new ReviewOutcome(created.Id, false, reviewEvent);
        }
        catch (ApiException ex) when (reviewEvent != ReviewEvent.Comment && ex.StatusCode == HttpStatusCode.UnprocessableEntity)
        {
            // GitHub refuses APPROVE and REQUEST_CHANGES on a pull request opened by the App itself.
            LogFallingBackToComment(logger, reviewEvent, target.ToString(), SecretRedactor.Redact(ex.Message));
            var note = $"\n\n> **Note:** the rubric asked for **{Describe(reviewEvent)}**, but GitHub did not accept that review event here " +
                       $"(\"{SecretRedactor.Redact(ex.Message)}\"), so this review is posted as a comment.";
            var created = await PostAsync(client, target, body + note, ReviewEvent.Comment, cancellationToken).ConfigureAwait(false);
            LogReviewPosted(logger, created.Id, ReviewEvent.Comment, target.ToString());
            return new ReviewOutcome(created.Id, false, ReviewEvent.Comment);
        }
    }

    private static Task<PullRequestReview> PostAsync(IGitHubClient client, PublishTarget target, string body, ReviewEvent reviewEvent, CancellationToken cancellationToken)
    {
        var marker = Marker(target);
        var room = GitHubLimits.MaxOutputCharacters - marker.Length - 2;
        var review = new PullRequestReviewCreate
        {
            CommitId = target.HeadSha,
            Body = GitHubLimits.Truncate(body, room) + "\n\n" + marker,
            Event = reviewEvent switch
            {
                ReviewEvent.Approve => PullRequestReviewEvent.Approve,
                ReviewEvent.RequestChanges => PullRequestReviewEvent.RequestChanges,
                _ => PullRequestReviewEvent.Comment,
            },
        };
        return GitHubCallScope.RunAsync(
            () => client.PullRequest.Review.Create(target.Owner, target.Repository, target.PullRequestNumber, review), cancellationToken);
    }

    private static string Describe(ReviewEvent reviewEvent) => reviewEvent switch
    {
        ReviewEvent.Approve => "approve",
        ReviewEvent.RequestChanges => "request changes",
        _ => "comment",
    };

    private static ReviewEvent ToReviewEvent(PullRequestReviewState state) => state switch
    {
        PullRequestReviewState.Approved => ReviewEvent.Approve,
        PullRequestReviewState.ChangesRequested => ReviewEvent.RequestChanges,
        _ => ReviewEvent.Comment,
    };

    [LoggerMessage(EventId = 2301, Level = LogLevel.Information, Message = "Posted review {ReviewId} ({Event}) for {Target}")]
    private static partial void LogReviewPosted(ILogger logger, long reviewId, ReviewEvent @event, string target);

    [LoggerMessage(EventId = 2302, Level = LogLevel.Information, Message = "Review {ReviewId} already posted for {Target}; not posting another")]
    private static partial void LogReviewExists(ILogger logger, long reviewId, string target);

    [LoggerMessage(EventId = 2305, Level = LogLevel.Information, Message = "Review {ReviewId} on {Target} edited to show what visibility now allows")]
    private static partial void LogReviewEdited(ILogger logger, long reviewId, string target);

    [LoggerMessage(EventId = 2304, Level = LogLevel.Warning, Message = "Review {ReviewId} on {Target} carries Grader's marker but was written by {Author}, not this App; ignored")]
    private static partial void LogForgedMarker(ILogger logger, long reviewId, string? author, string target);

    [LoggerMessage(EventId = 2303, Level = LogLevel.Warning, Message = "GitHub refused review event {Event} for {Target} ({Reason}); posting it as a comment")]
    private static partial void LogFallingBackToComment(ILogger logger, ReviewEvent @event, string target, string reason);
}
