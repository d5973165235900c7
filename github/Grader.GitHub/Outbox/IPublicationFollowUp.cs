using Grader.GitHub.Publishing;

namespace Grader.GitHub.Outbox;

/// <summary>
/// What the outbox's owner does once GitHub holds a publication, before the entry is marked done (e.g. record evidence
/// naming the check run and review). A crash in between repeats it with the publication, so it must be idempotent.
/// </summary>
public interface IPublicationFollowUp
{
    Task PublishedAsync(OutboxEntry entry, PublishReceipt receipt, CancellationToken cancellationToken);
}
