using System.Net.Http.Headers;

namespace Grader.GitHub.Http;

/// <summary>
/// Octokit posts its JSON bodies labelled application/x-www-form-urlencoded. GitHub tolerates that, but its REST
/// description documents application/json for every body (and validating proxies reject the label), so JSON is
/// sent labelled as JSON.
/// </summary>
internal sealed class JsonContentTypeHandler : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (request.Content is { } content && content.Headers.ContentType?.MediaType == "application/x-www-form-urlencoded")
        {
            var body = await content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
            var first = Array.FindIndex(body, b => !char.IsWhiteSpace((char)b));
            if (first >= 0 && body[first] is (byte)'{' or (byte)'[')
            {
                var json = new ByteArrayContent(body);
                json.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
                request.Content = json;
                content.Dispose();
            }
        }

        return await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
    }
}
