using Grader.Bot.Configuration;
using Grader.Bot.Fleet;
using Microsoft.Extensions.Options;

namespace Grader.Bot.Visibility;

/// <summary>
/// Runs <see cref="VisibilityRefresher"/> every <see cref="BotOptions.VisibilityRefreshInterval"/> in the webhook front,
/// so criteria shown after the due date appear on the posted reviews soon after each learner's due date passes. A failed
/// pass is logged and tried again next time. Only the active front (<see cref="FrontLease"/>) sweeps.
/// </summary>
public sealed partial class VisibilitySweep(VisibilityRefresher refresher, FrontLease lease, IOptions<BotOptions> options, TimeProvider time, ILogger<VisibilitySweep> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.VisibilityRefreshInterval, time);
        do
        {
            try
            {
                if (lease.IsHeld)
                {
                    await refresher.RefreshAsync(null, stoppingToken).ConfigureAwait(false);
                }
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                LogFailed(logger, ex);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false));
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Visibility refresh failed; trying again at the next interval")]
    private static partial void LogFailed(ILogger logger, Exception exception);
}
