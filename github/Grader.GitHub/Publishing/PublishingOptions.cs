namespace Grader.GitHub.Publishing;

/// <summary>
/// How a publication GitHub did not take is retried from the outbox by <see cref="Outbox.OutboxRelay"/> (section
/// <c>GitHub:Publishing</c>). These waits come after the in-line retries every GitHub call gets
/// (<see cref="Http.GitHubResilienceOptions"/>): they cover outages and rate limits longer than a request should wait.
/// </summary>
public sealed class PublishingOptions
{
    public const string SectionName = "Grader:GitHub:Publishing";

    /// <summary>Wait after the first failed attempt when GitHub named no time (Retry-After, rate-limit reset); doubles per attempt. Default 5 s.</summary>
    public TimeSpan OutboxBaseDelay { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Longest wait between two attempts when GitHub named no time. Default 10 min.</summary>
    public TimeSpan OutboxMaxDelay { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>How often the relay looks for due entries when nothing woke it. Default 10 s.</summary>
    public TimeSpan OutboxPollInterval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Attempts at one publication, the first included, before it is given up (kept, with its last error). Default 50.</summary>
    public int OutboxMaxAttempts { get; set; } = 50;

    /// <summary>How long after it was enqueued a publication is still retried; a later attempt would be given up. Default 1 day.</summary>
    public TimeSpan OutboxMaxAge { get; set; } = TimeSpan.FromDays(1);

    /// <summary>The first setting out of range, as a sentence; null when all are valid.</summary>
    public string? Problem() =>
        OutboxBaseDelay <= TimeSpan.Zero ? "outbox_base_delay must be positive."
        : OutboxMaxDelay < OutboxBaseDelay ? "outbox_max_delay must be at least outbox_base_delay."
        : OutboxPollInterval <= TimeSpan.Zero ? "outbox_poll_interval must be positive."
        : OutboxMaxAttempts < 1 ? "outbox_max_attempts must be at least 1."
        : OutboxMaxAge <= TimeSpan.Zero ? "outbox_max_age must be positive."
        : null;
}

internal sealed class PublishingOptionsValidation : Microsoft.Extensions.Options.IValidateOptions<PublishingOptions>
{
    public Microsoft.Extensions.Options.ValidateOptionsResult Validate(string? name, PublishingOptions options) =>
        options.Problem() is { } problem
            ? Microsoft.Extensions.Options.ValidateOptionsResult.Fail(problem)
            : Microsoft.Extensions.Options.ValidateOptionsResult.Success;
}
