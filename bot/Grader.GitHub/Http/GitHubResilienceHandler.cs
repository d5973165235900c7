using System.Net;
using Microsoft.Extensions.Logging;
using Polly;
using Polly.Retry;

namespace Grader.GitHub.Http;

/// <summary>
/// Retries GitHub requests that failed for a reason that passes: 5xx and connection failures with exponential
/// back-off and jitter, rate limits by waiting what GitHub asks (Retry-After, x-ratelimit-reset) when that is short.
/// Waits run on the injected TimeProvider. What is still failing afterwards reaches Octokit, which throws.
/// </summary>
internal sealed partial class GitHubResilienceHandler : DelegatingHandler
{
    private static readonly ResiliencePropertyKey<Throttle?> ThrottleKey = new("grader.github.throttle");

    private readonly ResiliencePipeline<HttpResponseMessage> _pipeline;
    private readonly ILogger _logger;

    public GitHubResilienceHandler(GitHubResilienceOptions options, TimeProvider time, ILogger logger)
    {
        _logger = logger;
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
                    if (args.Outcome.Exception is HttpRequestException)
                    {
                        args.Context.Properties.Set(ThrottleKey, null);
                        return true;
                    }

                    if (args.Outcome.Result is not { } response)
                    {
                        return false;
                    }

                    var throttle = await ClassifyAsync(response, time.GetUtcNow(), args.Context.CancellationToken).ConfigureAwait(false);
                    args.Context.Properties.Set(ThrottleKey, throttle);
                    // Waiting longer than allowed in-line would hold a worker: let the caller keep the result for later.
                    return throttle is not null && (throttle.RetryAfter is null || throttle.RetryAfter <= options.MaxInlineWait);
                },
                DelayGenerator = args =>
                    ValueTask.FromResult(args.Context.Properties.GetValue(ThrottleKey, null)?.RetryAfter),
                OnRetry = args =>
                {
                    var throttle = args.Context.Properties.GetValue(ThrottleKey, null);
                    var reason = throttle?.Kind.ToString() ?? "ConnectionFailure";
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

    private Task<HttpResponseMessage> SendOnceAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
        base.SendAsync(request, cancellationToken);

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
