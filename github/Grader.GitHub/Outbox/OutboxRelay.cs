using Grader.GitHub.Publishing;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Grader.GitHub.Outbox;

/// <summary>Re-delivers results waiting in the outbox once they are due; an entry leaves only when published.</summary>
public sealed partial class OutboxRelay(
    GradingPublisher publisher,
    IPublishOutbox outbox,
    TimeProvider time,
    ILogger<OutboxRelay> logger)
{
    /// <summary>Tries every due entry once. Returns how many were published.</summary>
    public async Task<int> DeliverDueAsync(CancellationToken cancellationToken)
    {
        var published = 0;
        foreach (var entry in await outbox.GetDueAsync(time.GetUtcNow(), cancellationToken).ConfigureAwait(false))
        {
            try
            {
                await publisher.DeliverAsync(entry.Target, entry.CheckRunId, entry.Result, cancellationToken).ConfigureAwait(false);
                await outbox.RemoveAsync(entry.Id, CancellationToken.None).ConfigureAwait(false);
                published++;
                LogRedelivered(logger, entry.Target.ToString(), entry.Attempts + 1);
            }
            catch (Exception ex) when (publisher.IsTransient(ex, cancellationToken, out var retryAfter))
            {
                var attempts = entry.Attempts + 1;
                var next = time.GetUtcNow() + (retryAfter ?? publisher.Backoff(attempts));
                await outbox.SaveAsync(entry with { Attempts = attempts, NotBefore = next, LastError = SecretRedactor.Describe(ex) }, CancellationToken.None).ConfigureAwait(false);
                LogStillDeferred(logger, entry.Target.ToString(), next, SecretRedactor.Describe(ex));
            }
            catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
            {
                // GitHub refused the result for good (e.g. the pull request is gone): keep it for an operator.
                await outbox.SaveAsync(entry with { Attempts = entry.Attempts + 1, Failed = true, LastError = SecretRedactor.Describe(ex) }, CancellationToken.None).ConfigureAwait(false);
                LogGaveUp(logger, entry.Target.ToString(), SecretRedactor.Describe(ex));
            }
        }

        return published;
    }

    [LoggerMessage(EventId = 2501, Level = LogLevel.Information, Message = "Published the deferred result for {Target} (attempt {Attempt})")]
    private static partial void LogRedelivered(ILogger logger, string target, int attempt);

    [LoggerMessage(EventId = 2502, Level = LogLevel.Warning, Message = "Deferred result for {Target} still not accepted; next try at {NotBefore:O}: {Reason}")]
    private static partial void LogStillDeferred(ILogger logger, string target, DateTimeOffset notBefore, string reason);

    [LoggerMessage(EventId = 2503, Level = LogLevel.Error, Message = "GitHub refused the deferred result for {Target}; kept in the outbox as failed: {Reason}")]
    private static partial void LogGaveUp(ILogger logger, string target, string reason);
}

/// <summary>Runs <see cref="OutboxRelay"/> periodically in a host.</summary>
public sealed partial class OutboxRelayService(
    OutboxRelay relay,
    IOptions<GradingPublisherOptions> options,
    TimeProvider time,
    ILogger<OutboxRelayService> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.OutboxPollInterval, time);
        do
        {
            try
            {
                await relay.DeliverDueAsync(stoppingToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                // The outbox itself failed (e.g. disk): try again next tick rather than stop re-delivery for good.
                LogRelayFailed(logger, SecretRedactor.Describe(ex));
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false));
    }

    [LoggerMessage(EventId = 2504, Level = LogLevel.Error, Message = "Outbox relay pass failed: {Reason}")]
    private static partial void LogRelayFailed(ILogger logger, string reason);
}
