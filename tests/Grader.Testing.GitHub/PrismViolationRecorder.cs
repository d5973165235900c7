using System.Collections.Concurrent;
using System.Text.Json.Nodes;

namespace Grader.Testing.GitHub;

/// <summary>
/// Client-side handler that keeps prism's problem responses (422 for a request off GitHub's description, 500 for
/// an off-spec response): prism's log names only the problem type, the response body lists each violation.
/// </summary>
public sealed class PrismViolationRecorder(ConcurrentQueue<string> violations) : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
        if (response.Content.Headers.ContentType?.MediaType == "application/problem+json")
        {
            var body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
            if (JsonNode.Parse(body)?["type"]?.GetValue<string>()?.StartsWith("https://stoplight.io/prism/errors", StringComparison.Ordinal) == true)
            {
                violations.Enqueue($"{request.Method} {request.RequestUri?.PathAndQuery} -> {(int)response.StatusCode}: {body}");
            }
        }

        return response;
    }
}
