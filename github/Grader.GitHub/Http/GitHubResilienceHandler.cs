using System.Net;
using Microsoft.Extensions.Logging;
using Polly;
using Polly.Retry;

namespace Grader.GitHub.Http;

/// <summary>
/// Retries GitHub requests that failed for a reason that passes: rate limits by waiting what GitHub asks
/// (Retry-After, x-ratelimit-reset) when that is short, connections that could not be made, and - only for requests
/// that are safe to repeat - 5xx answers, timeouts and lost connections, with exponential back-off and jitter.
/// A create (POST, or a call marked with <see cref="GitHubCallScope.RunOnceAsync{T}"/>) that failed that way may
/// have been stored by GitHub: it is handed back to the caller, which looks before creating again.
/// Waits run on the injected TimeProvider. What is still failing afterwards reaches Octokit, which throws.
/// </summary>
internal sealed partial class GitHubResilienceHandler : DelegatingHandler
{
    private static readonly ResiliencePropertyKey<Throttle?> ThrottleKey = new("grader.github.throttle");
    private static readonly ResiliencePropertyKey<bool> RepeatableKey = new("grader.github.repeatable");

    private readonly ResiliencePipeline<HttpResponseMessage> _pipeline;
    private readonly ILogger _logger;
    private readonly TimeSpan _attemptTimeout;

    public GitHubResilienceHandler(GitHubResilienceOptions options, TimeProvider time, ILogger logger)
    {
        _logger = logger;
        _attemptTimeout = options.AttemptTimeout;
        _pipeline = new ResiliencePipelineBuilder<HttpResponseMessage> { TimeProvider = time }
            .AddRetry(new RetryStrategyOptions<HttpResponseMessage>
            {
                MaxRetryAttempts = options.MaxRetries,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = options.BaseDelay,
                MaxDelay = options.MaxDelay,
                ShouldHandle = async args =>
                {
                    var repeatable = args.Context.Properties.GetValue(RepeatableKey, false);
                    switch (args.Outcome.Exception)
                    {
                        case HttpRequestException { HttpRequestError: HttpRequestError.ConnectionError }:
                            // No connection: the request never reached GitHub.
                            args.Context.Properties.Set(ThrottleKey, null);
                            return true;
                        case HttpRequestException or TimeoutException:
                            args.Context.Properties.Set(ThrottleKey, null);
                            return repeatable;
                    }

                    if (args.Outcome.Result is not { } response)
                    {
                        return false;
                    }

                    var throttle = await ClassifyAsync(response, time.GetUtcNow(), args.Context.CancellationToken).ConfigureAwait(false);
                    args.Context.Properties.Set(ThrottleKey, throttle);
                    if (throttle?.Kind == ThrottleKind.ServerError && !repeatable)
                    {
                        return false;
                    }

                    // Waiting longer than allowed in-line would hold a worker: let the caller keep the result for later.
                    return throttle is not null && (throttle.RetryAfter is null || throttle.RetryAfter <= options.MaxInlineWait);
                },
                DelayGenerator = args =>
                    ValueTask.FromResult(args.Context.Properties.GetValue(ThrottleKey, null)?.RetryAfter),
                OnRetry = args =>
                {
                    var throttle = args.Context.Properties.GetValue(ThrottleKey, null);
                    var reason = throttle?.Kind.ToString() ?? args.Outcome.Exception?.GetType().Name ?? "ConnectionFailure";
                    LogRetrying(_logger, reason, args.AttemptNumber + 1, args.RetryDelay);
                    return ValueTask.CompletedTask;
                },
            })
            .Build();
    }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, GitHubCallScope.Current);
        var context = ResilienceContextPool.Shared.Get(linked.Token);
        context.Properties.Set(RepeatableKey, IsRepeatable(request));
        try
        {
            return await _pipeline.ExecuteAsync(
                static async (ctx, state) => await state.Self.SendOnceAsync(state.Request, ctx.CancellationToken).ConfigureAwait(false),
                context,
                (Self: this, Request: request)).ConfigureAwait(false);
        }
        finally
        {
            ResilienceContextPool.Shared.Return(context);
        }
    }

    /// <summary>
    /// Whether sending the request again after an unclear failure cannot add anything on GitHub. A new installation
    /// token is the one POST that may be repeated: it creates nothing anyone sees.
    /// </summary>
    private static bool IsRepeatable(HttpRequestMessage request) =>
        request.RequestUri?.AbsolutePath.EndsWith("/access_tokens", StringComparison.Ordinal) == true
        || (request.Method != HttpMethod.Post && !GitHubCallScope.NotRepeatable);

    private async Task<HttpResponseMessage> SendOnceAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        using var attempt = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        attempt.CancelAfter(_attemptTimeout);
        try
        {
            return await base.SendAsync(request, attempt.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"GitHub did not answer {request.Method} {request.RequestUri?.AbsolutePath} within {_attemptTimeout}.", ex);
        }
    }

    private static async Task<Throttle?> ClassifyAsync(HttpResponseMessage response, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var status = response.StatusCode;
        if ((int)status < 500 && status is not (HttpStatusCode.Forbidden or HttpStatusCode.TooManyRequests))
        {
            return null;
        }

        // The secondary rate limit is recognised by its message; buffering keeps the body readable for Octokit.
        var body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        return GitHubThrottle.Classify(status, name => Header(response, name), body, now);
    }

    private static string? Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) ? values.FirstOrDefault() : null;

    [LoggerMessage(EventId = 2101, Level = LogLevel.Warning, Message = "GitHub asked to retry ({Reason}); attempt {Attempt} after {Delay}")]
    private static partial void LogRetrying(ILogger logger, string reason, int attempt, TimeSpan delay);
}
