using System.Threading.Channels;

namespace Grader.Bot.Webhooks;

/// <summary>Wakes a background loop when there is new work; signals coalesce (the loop reads the store anyway).</summary>
public class WorkSignal
{
    private readonly Channel<bool> _channel = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });

    public void Notify() => _channel.Writer.TryWrite(true);

    /// <summary>Waits for a signal or the timeout, whichever comes first.</summary>
    public async Task WaitAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var timeoutSource = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeoutSource.CancelAfter(timeout);
        try
        {
            await _channel.Reader.ReadAsync(timeoutSource.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            // The timeout elapsed: the caller polls the store.
            return;
        }
    }
}

/// <summary>New accepted deliveries are waiting for the dispatcher.</summary>
public sealed class DeliverySignal : WorkSignal;

/// <summary>New results are waiting in the outbox.</summary>
public sealed class OutboxSignal : WorkSignal;
