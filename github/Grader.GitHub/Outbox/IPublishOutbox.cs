using Grader.GitHub.Publishing;

namespace Grader.GitHub.Outbox;

/// <summary>A result that could not be published yet, kept until GitHub takes it.</summary>
public sealed record OutboxEntry
{
    public required string Id { get; init; }
    public required PublishTarget Target { get; init; }
    public long? CheckRunId { get; init; }
    public required PublishableResult Result { get; init; }
    public required DateTimeOffset EnqueuedAt { get; init; }

    /// <summary>Not to be retried before this time (GitHub's Retry-After or rate-limit reset, or back-off).</summary>
    public required DateTimeOffset NotBefore { get; init; }

    public int Attempts { get; init; }

    /// <summary>Redacted reason of the last failure.</summary>
    public string? LastError { get; init; }

    /// <summary>True when GitHub refused the result for good (e.g. 404, validation); kept for an operator, not retried.</summary>
    public bool Failed { get; init; }
}

/// <summary>
/// Durable store of results waiting to be published. Entries leave only when published, so no result is lost
/// across retries or restarts. The bot may supply its own (e.g. database-backed) implementation.
/// </summary>
public interface IPublishOutbox
{
    Task SaveAsync(OutboxEntry entry, CancellationToken cancellationToken);

    /// <summary>Entries due at <paramref name="now"/> and not failed for good, oldest first.</summary>
    Task<IReadOnlyList<OutboxEntry>> GetDueAsync(DateTimeOffset now, CancellationToken cancellationToken);

    Task<IReadOnlyList<OutboxEntry>> GetAllAsync(CancellationToken cancellationToken);

    Task RemoveAsync(string id, CancellationToken cancellationToken);
}
