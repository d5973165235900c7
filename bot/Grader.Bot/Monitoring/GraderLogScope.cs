namespace Grader.Bot.Monitoring;

/// <summary>
/// The logging scopes of the bot's units of work, so every line logged inside one carries the same structured fields
/// (a JSON console or a log shipper keeps them as fields): <c>DeliveryId</c> and <c>Event</c> around a delivery's
/// dispatch, <c>JobKey</c>, <c>Repository</c> and <c>HeadSha</c> around a job's attempt.
/// </summary>
public static class GraderLogScope
{
    public static IDisposable? Delivery(ILogger logger, string deliveryId, string @event) =>
        logger.BeginScope(new Dictionary<string, object?>(StringComparer.Ordinal)
        {
            ["DeliveryId"] = deliveryId,
            ["Event"] = @event,
        });

    public static IDisposable? Job(ILogger logger, string jobKey, string? repository, string? headSha) =>
        logger.BeginScope(new Dictionary<string, object?>(StringComparer.Ordinal)
        {
            ["JobKey"] = jobKey,
            ["Repository"] = repository,
            ["HeadSha"] = headSha,
        });
}
