using System.Globalization;

namespace Grader.Bot.Monitoring;

/// <summary>
/// Counts every GitHub API attempt by method and status and keeps the rate limit GitHub reports. It sits among
/// Grader.GitHub's extra handlers (<c>GitHubHttpHandlers</c>), inside the retries, so retried attempts count too.
/// </summary>
internal sealed class GitHubCallMetricsHandler(GraderMetrics metrics) : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        HttpResponseMessage response;
        try
        {
            response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is HttpRequestException or OperationCanceledException)
        {
            metrics.GitHubCall(request.Method.Method, null);
            throw;
        }

        metrics.GitHubCall(request.Method.Method, (int)response.StatusCode);
        if (Header(response, "x-ratelimit-remaining") is { } remaining
            && long.TryParse(remaining, NumberStyles.Integer, CultureInfo.InvariantCulture, out var left))
        {
            metrics.GitHubRateLimit(Header(response, "x-ratelimit-resource") ?? "core", left);
        }

        return response;
    }

    private static string? Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) ? values.FirstOrDefault() : null;
}
