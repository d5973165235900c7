using System.Globalization;
using Grader.Bot.Jobs;
using Grader.GitHub.Outbox;
using Grader.GitHub.Publishing;

namespace Grader.Bot.Publishing;

/// <summary>
/// Stores a grading's evidence once its check run and review are on GitHub, so the record names them. Runs before the
/// outbox entry is marked done; a crash in between offers the record again, and a record id is stored once.
/// </summary>
public sealed class PublishedEvidence(IGradingEvidence evidence) : IPublicationFollowUp
{
    public Task PublishedAsync(OutboxEntry entry, PublishReceipt receipt, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entry);
        ArgumentNullException.ThrowIfNull(receipt);
        if (entry.Publication.Evidence is not { } record)
        {
            return Task.CompletedTask;
        }

        var target = entry.Publication.Target;
        var repository = $"https://github.com/{target.Owner}/{target.Repository}";
        var checkRunUrl = string.Create(CultureInfo.InvariantCulture, $"{repository}/runs/{receipt.CheckRunId}");
        var reviewUrl = receipt.Review is { } review
            ? string.Create(CultureInfo.InvariantCulture, $"{repository}/pull/{target.PullRequestNumber}#pullrequestreview-{review.ReviewId}")
            : null;
        return evidence.RecordAsync(target.JobId, record, checkRunUrl, reviewUrl, cancellationToken);
    }
}
