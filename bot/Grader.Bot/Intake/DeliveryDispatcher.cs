using Grader.Bot.Fleet;
using Grader.Bot.Monitoring;
using Grader.Bot.Storage;
using Grader.Bot.Webhooks;

namespace Grader.Bot.Intake;

/// <summary>
/// Interprets accepted deliveries from the store, oldest first: on a signal from the webhook processor and
/// on start (deliveries accepted before a restart are still acted on). A delivery that fails is retried on
/// the next round up to a few times, then marked failed with its error. Only the active front (<see cref="FrontLease"/>)
/// interprets; a standby front's deliveries wait in the store for it.
/// </summary>
public sealed partial class DeliveryDispatcher(
    GraderStore store,
    DeliverySignal signal,
    DeliveryInterpreter interpreter,
    FrontLease lease,
    ILogger<DeliveryDispatcher> logger) : BackgroundService
{
    private const int MaxAttempts = 5;
    private readonly Dictionary<string, int> _failures = new(StringComparer.Ordinal);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                if (lease.IsHeld)
                {
                    await DispatchPendingAsync(stoppingToken).ConfigureAwait(false);
                }
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                LogLoopFailed(logger, ex);
            }

            await signal.WaitAsync(TimeSpan.FromSeconds(5), stoppingToken).ConfigureAwait(false);
        }
    }

    /// <summary>Interprets every accepted delivery now; returns how many were handled.</summary>
    public async Task<int> DispatchPendingAsync(CancellationToken cancellationToken)
    {
        var handled = 0;
        while (true)
        {
            var batch = await store.GetAcceptedDeliveriesAsync(50, cancellationToken).ConfigureAwait(false);
            var progressed = false;
            foreach (var delivery in batch)
            {
                // Every log line of the delivery's handling (interpretation, scheduling) carries its id.
                using var scope = GraderLogScope.Delivery(logger, delivery.DeliveryId, delivery.Event);
                if (_failures.GetValueOrDefault(delivery.DeliveryId) is var failures && failures >= MaxAttempts)
                {
                    continue;
                }

                try
                {
                    var note = await interpreter.InterpretAsync(delivery, cancellationToken).ConfigureAwait(false);
                    await store.MarkDeliveryAsync(delivery.DeliveryId, DeliveryState.Processed, note, cancellationToken).ConfigureAwait(false);
                    _failures.Remove(delivery.DeliveryId);
                    handled++;
                    progressed = true;
                }
                catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
                {
                    _failures[delivery.DeliveryId] = failures + 1;
                    LogDeliveryFailed(logger, delivery.DeliveryId, delivery.Event, failures + 1, ex);
                    if (failures + 1 >= MaxAttempts)
                    {
                        await store.MarkDeliveryAsync(delivery.DeliveryId, DeliveryState.Failed, ex.Message, cancellationToken).ConfigureAwait(false);
                        _failures.Remove(delivery.DeliveryId);
                        progressed = true;
                    }
                }
            }

            if (!progressed || batch.Count == 0)
            {
                return handled;
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Delivery {DeliveryId} ({Event}) failed, attempt {Attempt}")]
    private static partial void LogDeliveryFailed(ILogger logger, string deliveryId, string @event, int attempt, Exception exception);

    [LoggerMessage(Level = LogLevel.Error, Message = "Delivery dispatch round failed")]
    private static partial void LogLoopFailed(ILogger logger, Exception exception);
}
