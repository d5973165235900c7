using System.Threading.Channels;

namespace Grader.GitHub.Outbox;

/// <summary>
/// Wakes a background loop when there is new work; signals coalesce (the loop reads its store anyway). The timeout
/// runs on the injected clock, so a test on a fake clock decides when a poll happens.
/// </summary>
public class WorkSignal(TimeProvider time)
{
    private readonly Channel<bool> _channel = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });

    public void Notify() => _channel.Writer.TryWrite(true);

    /// <summary>Waits for a signal or the timeout, whichever comes first.</summary>
    public async Task WaitAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var timeoutSource = new CancellationTokenSource(timeout, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeoutSource.Token);
        try
        {
            await _channel.Reader.ReadAsync(linked.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            // The timeout elapsed: the caller polls its store.
        }
    }
}

/// <summary>Something was enqueued in the outbox: <see cref="OutboxRelayService"/> takes it now rather than at its next poll.</summary>
public sealed class OutboxSignal(TimeProvider time) : WorkSignal(time);
