using System.Net;
using Octokit;

namespace Grader.GitHub.Http;

/// <summary>
/// Decides whether a failed GitHub call is worth retrying later, and not before when; and whether GitHub may have
/// acted on it anyway. The one classification the outbox relay and in-line retries share.
/// </summary>
public static class TransientFailure
{
    /// <summary>True when the call may succeed later (5xx, rate limits, network failures, timeouts, an expired token).</summary>
    /// <param name="retryAfter">The wait GitHub asked for (Retry-After, rate-limit reset), null when it named none.</param>
    public static bool IsTransient(Exception exception, DateTimeOffset now, out TimeSpan? retryAfter)
    {
        ArgumentNullException.ThrowIfNull(exception);
        retryAfter = null;
        switch (exception)
        {
            case HttpRequestException or TimeoutException or OperationCanceledException:
                return true;
            case ApiException api when api.HttpResponse is { } response:
                var throttle = GitHubThrottle.Classify(
                    api.StatusCode,
                    name => response.Headers.FirstOrDefault(h => string.Equals(h.Key, name, StringComparison.OrdinalIgnoreCase)).Value,
                    response.Body as string,
                    now);
                retryAfter = throttle?.RetryAfter;
                return throttle is not null || api.StatusCode == HttpStatusCode.Unauthorized;
            case ApiException api:
                return (int)api.StatusCode >= 500;
            default:
                return false;
        }
    }

    /// <summary>
    /// True when GitHub may have acted on the request although it failed: a 5xx, no answer in time, or a connection
    /// lost after the request left. Repeating a create after that could create a second one: look first.
    /// A rate limit or a connection never made is not ambiguous: GitHub did nothing.
    /// </summary>
    public static bool IsAmbiguous(Exception exception, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(exception);
        return exception switch
        {
            _ when cancellationToken.IsCancellationRequested => false,
            HttpRequestException { HttpRequestError: HttpRequestError.ConnectionError } => false,
            HttpRequestException or TimeoutException or OperationCanceledException => true,
            ApiException api => (int)api.StatusCode >= 500,
            _ => false,
        };
    }
}
