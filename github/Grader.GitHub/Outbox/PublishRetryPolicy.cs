using Grader.GitHub.Http;
using Grader.GitHub.Publishing;
using Microsoft.Extensions.Options;

namespace Grader.GitHub.Outbox;

/// <summary>After a failed attempt: when to try again, or (no time) why not.</summary>
public sealed record RetryDecision(DateTimeOffset? NextAttemptAt, string Why)
{
    public bool GiveUp => NextAttemptAt is null;
}

/// <summary>
/// The outbox's one retry policy. A failure <see cref="TransientFailure"/> calls lasting (a 404, a validation error) is
/// given up at once; a passing one (5xx, timeouts, lost connections, rate limits, an expired token) is retried when
/// GitHub said (Retry-After, rate-limit reset), else after exponential back-off, until the attempts or the age run out.
/// </summary>
public sealed class PublishRetryPolicy(IOptions<PublishingOptions> options)
{
    /// <summary>A primary rate limit resets within the hour: a longer wait is a bad header, not a reason to wait longer.</summary>
    public static readonly TimeSpan LongestRequestedWait = TimeSpan.FromHours(1);

    /// <param name="attempt">The attempt that failed, the first being 1.</param>
    public RetryDecision AfterFailure(Exception error, int attempt, DateTimeOffset enqueuedAt, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(error);
        var settings = options.Value;
        if (!TransientFailure.IsTransient(error, now, out var requested))
        {
            return new RetryDecision(null, "GitHub refused it for good");
        }

        if (attempt >= settings.OutboxMaxAttempts)
        {
            return new RetryDecision(null, $"{attempt} attempts failed (outbox_max_attempts)");
        }

        var wait = requested is { } asked
            ? (asked < LongestRequestedWait ? asked : LongestRequestedWait)
            : ExponentialBackoff.After(attempt, settings.OutboxBaseDelay, settings.OutboxMaxDelay);
        var next = now + wait;
        return next - enqueuedAt > settings.OutboxMaxAge
            ? new RetryDecision(null, $"still failing {settings.OutboxMaxAge} after it was enqueued (outbox_max_age)")
            : new RetryDecision(next, requested is null ? $"back-off of {wait}" : $"GitHub asked to wait {wait}");
    }
}
