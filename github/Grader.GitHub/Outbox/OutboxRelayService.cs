using Grader.GitHub.Publishing;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Grader.GitHub.Outbox;

/// <summary>
/// Runs <see cref="OutboxRelay"/> in a host: a pass on start (what a previous process left), then whenever
/// <see cref="OutboxSignal"/> says something was enqueued, and every <see cref="PublishingOptions.OutboxPollInterval"/>
/// for entries whose next attempt came due.
/// </summary>
public sealed partial class OutboxRelayService(
    OutboxRelay relay,
    OutboxSignal signal,
    IOptions<PublishingOptions> options,
    ILogger<OutboxRelayService> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await relay.DeliverDueAsync(stoppingToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                // The outbox itself failed (e.g. its database): try again next round rather than stop publishing for good.
                LogPassFailed(logger, SecretRedactor.Describe(ex));
            }

            await signal.WaitAsync(options.Value.OutboxPollInterval, stoppingToken).ConfigureAwait(false);
        }
    }

    [LoggerMessage(EventId = 2504, Level = LogLevel.Error, Message = "Outbox relay pass failed: {Reason}")]
    private static partial void LogPassFailed(ILogger logger, string reason);
}
