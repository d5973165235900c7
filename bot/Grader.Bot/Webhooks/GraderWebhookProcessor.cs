using Grader.Bot.Configuration;
using Grader.Bot.Monitoring;
using Grader.Bot.Storage;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Primitives;
using Octokit.Webhooks;

namespace Grader.Bot.Webhooks;

/// <summary>
/// Handles a verified delivery while GitHub waits: parse, triage, persist (awaited: the delivery is
/// committed to SQLite before the endpoint answers 200), wake the dispatcher. Everything slow (config,
/// GitHub API, scheduling) happens in <see cref="Intake.DeliveryDispatcher"/> from the stored copy.
/// </summary>
public sealed partial class GraderWebhookProcessor(
    GraderStore store,
    DeliverySignal signal,
    IOptions<BotOptions> options,
    GraderMetrics metrics,
    ILogger<GraderWebhookProcessor> logger) : WebhookEventProcessor
{
    public override async ValueTask ProcessWebhookAsync(IDictionary<string, StringValues> headers, string body, CancellationToken cancellationToken)
    {
        var webhookHeaders = WebhookHeaders.Parse(headers);
        if (string.IsNullOrWhiteSpace(webhookHeaders.Delivery) || string.IsNullOrWhiteSpace(webhookHeaders.Event))
        {
            throw new MalformedWebhookException("X-GitHub-Delivery and X-GitHub-Event are required.");
        }

        var envelope = WebhookEnvelope.Parse(body);
        var ignoreReason = WebhookTriage.IgnoreReason(webhookHeaders.Event, envelope, options.Value.AppSlug);
        var state = ignoreReason is null ? DeliveryState.Accepted : DeliveryState.Ignored;

        // Not cancellable by the client going away: once we start persisting, we finish.
        var added = await store.TryAddDeliveryAsync(webhookHeaders.Delivery, webhookHeaders.Event, envelope.Action, body, state, ignoreReason, CancellationToken.None)
            .ConfigureAwait(false);
        using var scope = GraderLogScope.Delivery(logger, webhookHeaders.Delivery, webhookHeaders.Event);
        if (!added)
        {
            metrics.DeliveryReceived(webhookHeaders.Event, "duplicate");
            LogDuplicate(logger, webhookHeaders.Delivery, webhookHeaders.Event);
            return;
        }

        metrics.DeliveryReceived(webhookHeaders.Event, ignoreReason is null ? "accepted" : "ignored");

        if (ignoreReason is null)
        {
            LogAccepted(logger, webhookHeaders.Delivery, webhookHeaders.Event, envelope.Action);
            signal.Notify();
        }
        else
        {
            LogIgnored(logger, webhookHeaders.Delivery, webhookHeaders.Event, ignoreReason);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Delivery {DeliveryId} ({Event} {Action}) accepted")]
    private static partial void LogAccepted(ILogger logger, string deliveryId, string @event, string? action);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Delivery {DeliveryId} ({Event}) ignored: {Reason}")]
    private static partial void LogIgnored(ILogger logger, string deliveryId, string @event, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Delivery {DeliveryId} ({Event}) seen before; acknowledged again")]
    private static partial void LogDuplicate(ILogger logger, string deliveryId, string @event);
}
