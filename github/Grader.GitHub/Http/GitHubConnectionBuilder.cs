using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Octokit;
using Octokit.Internal;

namespace Grader.GitHub.Http;

/// <summary>Builds Octokit clients over the resilient HTTP pipeline, against the configured API base URL.</summary>
public sealed class GitHubConnectionBuilder(
    IOptions<GitHubAppOptions> appOptions,
    IOptions<GitHubResilienceOptions> resilienceOptions,
    IOptions<GitHubHttpHandlers> httpOptions,
    TimeProvider time,
    ILoggerFactory loggerFactory)
{
    private readonly ILogger _logger = loggerFactory.CreateLogger("Grader.GitHub.Http");

    public IGitHubClient Build(ICredentialStore credentials)
    {
        var options = appOptions.Value;
        var adapter = new HttpClientAdapter(CreateHandler);
        var connection = new Connection(
            new ProductHeaderValue(options.UserAgent),
            NormalizeBaseUrl(options.ApiBaseUrl),
            credentials,
            adapter,
            new SimpleJsonSerializer());
        return new GitHubClient(connection);
    }

    private HttpMessageHandler CreateHandler()
    {
        HttpMessageHandler handler = new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) };
        // Extra handlers sit inside the retries, so they see every attempt.
        foreach (var factory in httpOptions.Value.Handlers.Reverse())
        {
            var extra = factory();
            extra.InnerHandler = handler;
            handler = extra;
        }

        return new JsonContentTypeHandler
        {
            InnerHandler = new GitHubResilienceHandler(resilienceOptions.Value, time, _logger) { InnerHandler = handler },
        };
    }

    /// <summary>Octokit resolves relative endpoints against the base, so an Enterprise "/api/v3" needs its trailing slash.</summary>
    internal static Uri NormalizeBaseUrl(Uri baseUrl) =>
        baseUrl.AbsoluteUri.EndsWith('/') ? baseUrl : new Uri(baseUrl.AbsoluteUri + "/");
}
