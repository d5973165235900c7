using System.Globalization;
using System.Text;
using System.Text.Json;
using Grader.GitHub.Auth;
using Grader.GitHub.Clients;
using Grader.GitHub.Http;
using Microsoft.Extensions.Logging;
using Octokit;

namespace Grader.GitHub.Publishing;

/// <summary>
/// One current picture per pull request, kept after every review Grader posts: that review is the review of record;
/// Grader's earlier reviews of other commits are collapsed and marked superseded (edited in place, never deleted), and
/// one summary comment (edited in place) lists the score of every graded commit. Both are found on GitHub by markers
/// written only by this App's bot user, so publishing again edits nothing twice and posts nothing twice.
/// </summary>
public sealed partial class PullRequestSummaryPublisher(
    IGitHubClientFactory clients,
    GitHubAppIdentity identity,
    LookBeforeWriteRetry writes,
    TimeProvider time,
    ILogger<PullRequestSummaryPublisher> logger)
{
    /// <summary>Marks Grader's summary comment.</summary>
    public const string SummaryMarker = "<!-- grader:summary -->";

    private const string HistoryStart = "<!-- grader:history=";
    private const string HistoryEnd = " -->";

    /// <summary>
    /// After a review of the target's commit was posted (or found posted): the newest of Grader's reviews on the PR is
    /// the review of record (GitHub's review ids grow with time), every older one is superseded, and the summary gets
    /// the target's result. A repeated publication of an older commit therefore reorders nothing.
    /// </summary>
    public async Task UpdateAsync(PublishTarget target, PublishableResult result, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(result);
        var client = clients.CreateInstallationClient(target.InstallationId);
        var ofRecord = await SupersedeEarlierReviewsAsync(client, target, cancellationToken).ConfigureAwait(false);
        await UpsertSummaryAsync(client, target, result, ofRecord ?? target.HeadSha, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Collapses Grader's reviews older than its newest one; returns the newest one's commit.</summary>
    private async Task<string?> SupersedeEarlierReviewsAsync(IGitHubClient client, PublishTarget target, CancellationToken cancellationToken)
    {
        var reviews = await GitHubCallScope.RunAsync(
            () => client.PullRequest.Review.GetAll(target.Owner, target.Repository, target.PullRequestNumber), cancellationToken).ConfigureAwait(false);
        var ours = reviews.Where(r => identity.Authored(r) && r.Body?.Contains(ReviewPublisher.MarkerStart, StringComparison.Ordinal) == true)
            .OrderByDescending(r => r.Id).ToList();
        if (ours.Count == 0) return null;
        var newest = ours[0];
        foreach (var earlier in ours.Skip(1).Where(r => r.CommitId != newest.CommitId && !r.Body.Contains(ReviewPublisher.SupersededMarker, StringComparison.Ordinal)))
        {
            // An edit is idempotent (the same body again), so a lost answer is simply edited again on the next try.
            var body = Superseded(earlier.Body, earlier.CommitId, newest.CommitId);
            await ReviewPublisher.ReplaceBodyAsync(client, target, earlier.Id, body, cancellationToken).ConfigureAwait(false);
            LogSuperseded(logger, earlier.Id, earlier.CommitId, target.ToString());
        }

        return newest.CommitId;
    }

    /// <summary>The earlier review's body, collapsed under a line naming the newer commit; its own marker stays last.</summary>
    internal static string Superseded(string body, string oldSha, string newSha)
    {
        var markerAt = body.LastIndexOf(ReviewPublisher.MarkerStart, StringComparison.Ordinal);
        var (content, marker) = markerAt < 0 ? (body, "") : (body[..markerAt].TrimEnd(), body[markerAt..]);
        var head = $"**Superseded** by the review of `{Short(newSha)}`: the newest review is the one that counts.\n\n" +
                   $"<details><summary>This earlier review of <code>{Short(oldSha)}</code></summary>\n\n";
        var tail = $"\n\n</details>\n\n{ReviewPublisher.SupersededMarker}\n{marker}";
        return head + GitHubLimits.Truncate(content, GitHubLimits.MaxOutputCharacters - head.Length - tail.Length) + tail;
    }

    private async Task UpsertSummaryAsync(IGitHubClient client, PublishTarget target, PublishableResult result, string ofRecord, CancellationToken cancellationToken)
    {
        await writes.RunAsync($"the summary comment of {target}", ct => FindSummaryAsync(client, target, ct), async (existing, ct) =>
        {
            var history = existing is null ? [] : ReadHistory(existing.Body);
            var row = new SummaryRow(target.HeadSha, result.Title, result.Conclusion.ToString(), time.GetUtcNow());
            var known = history.FirstOrDefault(r => r.Sha == target.HeadSha);
            // The same result again keeps its row (and its time): publishing twice changes nothing.
            if (known is not null && known.Title == row.Title && known.Conclusion == row.Conclusion)
            {
                row = known;
            }

            history = [row, .. history.Where(r => r.Sha != target.HeadSha)];
            history = [.. history.OrderByDescending(r => r.Sha == ofRecord).ThenByDescending(r => r.GradedAt)];
            var body = Render(history, ofRecord);
            if (existing is null)
            {
                await GitHubCallScope.RunAsync(
                    () => client.Issue.Comment.Create(target.Owner, target.Repository, target.PullRequestNumber, body), ct).ConfigureAwait(false);
            }
            else if (existing.Body != body)
            {
                await GitHubCallScope.RunAsync(() => client.Issue.Comment.Update(target.Owner, target.Repository, existing.Id, body), ct).ConfigureAwait(false);
            }

            return true;
        }, cancellationToken).ConfigureAwait(false);
    }

    private async Task<IssueComment?> FindSummaryAsync(IGitHubClient client, PublishTarget target, CancellationToken cancellationToken)
    {
        var comments = await GitHubCallScope.RunAsync(
            () => client.Issue.Comment.GetAllForIssue(target.Owner, target.Repository, target.PullRequestNumber), cancellationToken).ConfigureAwait(false);
        // Anyone can paste the marker into a comment: only the App's bot user's counts.
        return comments.FirstOrDefault(c => identity.Authored(c) && c.Body?.Contains(SummaryMarker, StringComparison.Ordinal) == true);
    }

    internal sealed record SummaryRow(string Sha, string Title, string Conclusion, DateTimeOffset GradedAt);

    internal static List<SummaryRow> ReadHistory(string body)
    {
        var start = body.IndexOf(HistoryStart, StringComparison.Ordinal);
        if (start < 0) return [];
        start += HistoryStart.Length;
        var end = body.IndexOf(HistoryEnd, start, StringComparison.Ordinal);
        if (end < 0) return [];
        try
        {
            var json = Encoding.UTF8.GetString(Convert.FromBase64String(body[start..end]));
            return JsonSerializer.Deserialize<List<SummaryRow>>(json) ?? [];
        }
        catch (Exception ex) when (ex is FormatException or JsonException)
        {
            // Only this App writes the comment; a history it cannot read starts again rather than blocking publishing.
            return [];
        }
    }

    /// <summary>The comment: the review of record's commit first, then the others newest first.</summary>
    internal static string Render(IReadOnlyList<SummaryRow> history, string current)
    {
        var text = new StringBuilder();
        text.Append("### Grader: scores of this pull request\n\n");
        text.Append("Each push gets its own check run; the review of the newest graded commit is the review of record, and earlier reviews are collapsed.\n\n");
        text.Append("| Commit | Result | Graded (UTC) |\n|---|---|---|\n");
        foreach (var row in history)
        {
            var mark = row.Sha == current ? " (review of record)" : "";
            text.Append(CultureInfo.InvariantCulture, $"| `{Short(row.Sha)}`{mark} | {Icon(row.Conclusion)} {Cell(row.Title)} | {row.GradedAt.UtcDateTime:yyyy-MM-dd HH:mm} |\n");
        }

        var history64 = Convert.ToBase64String(JsonSerializer.SerializeToUtf8Bytes(history));
        text.Append(CultureInfo.InvariantCulture, $"\n{SummaryMarker}\n{HistoryStart}{history64}{HistoryEnd}\n");
        return text.ToString();
    }

    private static string Icon(string conclusion) => conclusion switch
    {
        nameof(PublishConclusion.Success) => "✅",
        nameof(PublishConclusion.Failure) => "❌",
        _ => "⚪",
    };

    private static string Cell(string text) => text.Replace("|", "\\|", StringComparison.Ordinal).ReplaceLineEndings(" ");

    private static string Short(string sha) => sha.Length > 7 ? sha[..7] : sha;

    [LoggerMessage(EventId = 2311, Level = LogLevel.Information, Message = "Review {ReviewId} of {CommitId} marked superseded on {Target}")]
    private static partial void LogSuperseded(ILogger logger, long reviewId, string commitId, string target);
}
