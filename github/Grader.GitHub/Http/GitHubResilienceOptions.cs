namespace Grader.GitHub.Http;

/// <summary>Bounds for retrying GitHub calls in-line before the caller falls back to the outbox.</summary>
public sealed class GitHubResilienceOptions
{
    public const string SectionName = "Grader:GitHub:Resilience";

    /// <summary>Retries after the first attempt (5xx, connection failures, rate limits).</summary>
    public int MaxRetries { get; set; } = 4;

    /// <summary>First back-off for 5xx and connection failures; doubles per attempt, with jitter.</summary>
    public TimeSpan BaseDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Longest back-off between two attempts for 5xx and connection failures.</summary>
    public TimeSpan MaxDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Longest wait GitHub may ask for (Retry-After, rate-limit reset) that is still waited in-line; a longer one
    /// fails the call at once so the result goes to the outbox instead of holding a worker.
    /// </summary>
    public TimeSpan MaxInlineWait { get; set; } = TimeSpan.FromSeconds(90);

    /// <summary>
    /// How long one request may wait for GitHub's answer. GitHub answers in well under a second and gives up on its
    /// own requests after 10 s; a request still waiting after this is abandoned as a timeout (retried only when it is
    /// safe to repeat).
    /// </summary>
    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromSeconds(30);
}

/// <summary>
/// Extra HTTP handlers for every GitHub client, outermost first (e.g. metrics, request auditing in tests). Configured in
/// code, never from configuration: hence not named <c>*Options</c>, which are configuration sections.
/// </summary>
public sealed class GitHubHttpHandlers
{
    public IList<Func<DelegatingHandler>> Handlers { get; } = [];
}
