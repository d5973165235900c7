using Grader.GitHub.Outbox;

namespace Grader.Bot.Webhooks;

/// <summary>New accepted deliveries are waiting for the dispatcher.</summary>
public sealed class DeliverySignal(TimeProvider time) : WorkSignal(time);
