using System.Globalization;
using System.Net;

namespace Grader.GitHub.Http;

public enum ThrottleKind
{
    /// <summary>5xx: GitHub had a problem; retry with exponential back-off.</summary>
    ServerError,

    /// <summary>x-ratelimit-remaining: 0 on a 403/429: wait until x-ratelimit-reset.</summary>
    PrimaryRateLimit,

    /// <summary>403/429 for too many requests in a short time: wait Retry-After, else at least a minute.</summary>
    SecondaryRateLimit,
}

/// <summary>Why GitHub asked us to come back later, and when (null: use exponential back-off).</summary>
public sealed record Throttle(ThrottleKind Kind, TimeSpan? RetryAfter);

/// <summary>Classifies GitHub responses that mean "try again later", following GitHub's rate-limit documentation.</summary>
public static class GitHubThrottle
{
    private static readonly TimeSpan SecondaryRateLimitMinimumWait = TimeSpan.FromMinutes(1);

    /// <param name="header">Looks up a response header by name (case-insensitive), null when absent.</param>
    public static Throttle? Classify(HttpStatusCode status, Func<string, string?> header, string? body, DateTimeOffset now)
    {
        var code = (int)status;
        if (code >= 500)
        {
            return new Throttle(ThrottleKind.ServerError, RetryAfter(header, now));
        }

        if (status is not (HttpStatusCode.Forbidden or HttpStatusCode.TooManyRequests))
        {
            return null;
        }

        if (header("x-ratelimit-remaining") == "0")
        {
            var reset = long.TryParse(header("x-ratelimit-reset"), NumberStyles.Integer, CultureInfo.InvariantCulture, out var epoch)
                ? DateTimeOffset.FromUnixTimeSeconds(epoch) - now
                : (TimeSpan?)null;
            var wait = RetryAfter(header, now) ?? reset ?? SecondaryRateLimitMinimumWait;
            return new Throttle(ThrottleKind.PrimaryRateLimit, wait < TimeSpan.Zero ? TimeSpan.Zero : wait);
        }

        var retryAfter = RetryAfter(header, now);
        var secondary = body?.Contains("secondary rate limit", StringComparison.OrdinalIgnoreCase) == true
            || body?.Contains("abuse", StringComparison.OrdinalIgnoreCase) == true;
        if (retryAfter is not null || secondary || status == HttpStatusCode.TooManyRequests)
        {
            return new Throttle(ThrottleKind.SecondaryRateLimit, retryAfter ?? SecondaryRateLimitMinimumWait);
        }

        // A plain 403 is a permission problem: retrying will not help.
        return null;
    }

    private static TimeSpan? RetryAfter(Func<string, string?> header, DateTimeOffset now)
    {
        var value = header("retry-after")?.Trim();
        if (string.IsNullOrEmpty(value))
        {
            return null;
        }

        if (long.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var seconds))
        {
            return TimeSpan.FromSeconds(Math.Max(0, seconds));
        }

        return DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var date)
            ? (date - now < TimeSpan.Zero ? TimeSpan.Zero : date - now)
            : null;
    }
}
