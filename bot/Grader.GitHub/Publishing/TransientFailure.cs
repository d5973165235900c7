using System.Net;
using Grader.GitHub.Http;
using Octokit;

namespace Grader.GitHub.Publishing;

/// <summary>Decides whether a failed GitHub call is worth retrying later, and not before when.</summary>
internal static class TransientFailure
{
    public static bool IsTransient(Exception exception, DateTimeOffset now, out TimeSpan? retryAfter)
    {
        retryAfter = null;
        switch (exception)
        {
            case HttpRequestException:
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
}
