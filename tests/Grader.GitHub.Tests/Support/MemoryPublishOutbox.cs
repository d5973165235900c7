using Grader.GitHub.Outbox;
using Grader.GitHub.Publishing;

namespace Grader.GitHub.Tests.Support;

/// <summary>
/// A test double of <see cref="IPublishOutbox"/> keeping entries in memory, with what each call recorded, so the relay's
/// decisions can be read back. The bot's database implementation is tested against the same behaviour in Grader.Bot.Tests.
/// </summary>
public sealed class MemoryPublishOutbox(TimeProvider time) : IPublishOutbox
{
    private readonly Lock _gate = new();
    private readonly List<Row> _rows = [];

    public sealed record Row(OutboxEntry Entry, DateTimeOffset NextAttemptAt, string? LastError, PublishReceipt? Receipt, bool GaveUp)
    {
        public bool Pending => Receipt is null && !GaveUp;
    }

    /// <summary>Completed when the relay first asked for due entries: a background relay has made its first pass.</summary>
    public TaskCompletionSource FirstClaim { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completed when an entry is marked done: lets a test wait for a background relay without sleeping.</summary>
    public TaskCompletionSource<PublishReceipt> FirstDone { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public IReadOnlyList<Row> Rows
    {
        get
        {
            lock (_gate)
            {
                return [.. _rows];
            }
        }
    }

    public Task<bool> EnqueueAsync(Publication publication, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            if (_rows.Any(r => r.Entry.Publication.Key == publication.Key))
            {
                return Task.FromResult(false);
            }

            var now = time.GetUtcNow();
            _rows.Add(new Row(new OutboxEntry(_rows.Count + 1, publication, 0, now), now, null, null, false));
            return Task.FromResult(true);
        }
    }

    public Task<IReadOnlyList<OutboxEntry>> ClaimDueAsync(DateTimeOffset now, int limit, CancellationToken cancellationToken)
    {
        IReadOnlyList<OutboxEntry> due;
        lock (_gate)
        {
            due = [.. _rows.Where(r => r.Pending && r.NextAttemptAt <= now).Select(r => r.Entry).Take(limit)];
        }

        FirstClaim.TrySetResult();
        return Task.FromResult(due);
    }

    public Task MarkDoneAsync(OutboxEntry entry, PublishReceipt receipt, CancellationToken cancellationToken)
    {
        Update(entry, r => r with { Receipt = receipt, LastError = null });
        FirstDone.TrySetResult(receipt);
        return Task.CompletedTask;
    }

    public Task RescheduleAsync(OutboxEntry entry, DateTimeOffset nextAttemptAt, string lastError, CancellationToken cancellationToken)
    {
        Update(entry, r => r with { Entry = r.Entry with { Attempts = r.Entry.Attempts + 1 }, NextAttemptAt = nextAttemptAt, LastError = lastError });
        return Task.CompletedTask;
    }

    public Task GiveUpAsync(OutboxEntry entry, string lastError, CancellationToken cancellationToken)
    {
        Update(entry, r => r with { Entry = r.Entry with { Attempts = r.Entry.Attempts + 1 }, GaveUp = true, LastError = lastError });
        return Task.CompletedTask;
    }

    private void Update(OutboxEntry entry, Func<Row, Row> change)
    {
        lock (_gate)
        {
            var index = _rows.FindIndex(r => r.Entry.Id == entry.Id);
            _rows[index] = change(_rows[index]);
        }
    }
}
