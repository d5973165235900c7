using Microsoft.Extensions.Options;

namespace Grader.Bot.Configuration;

/// <summary>
/// Limits of the webhook endpoint (section <c>Grader:Bot:WebhookIntake</c>, YAML <c>bot.webhook_intake</c>). Anyone can
/// post to it, so until a body's signature is checked it is held only within these bounds.
/// </summary>
public sealed class WebhookIntakeOptions
{
    public const string SectionName = BotOptions.SectionName + ":" + nameof(BotOptions.WebhookIntake);

    /// <summary>
    /// Largest delivery accepted (413 above). GitHub caps payloads at 25 MB, but the events the bot reads are far
    /// smaller: a pull_request or issue_comment payload carries at most two 65,536-character bodies (under 1 MB
    /// even fully escaped), an installation payload about 150 bytes per repository. 4 MiB leaves room for both,
    /// and for installations of about 25,000 repositories, while holding 6x less per request than 25 MB.
    /// </summary>
    public int MaxBodyBytes { get; set; } = 4 * 1024 * 1024;

    /// <summary>
    /// Bytes all requests whose signature is not checked yet may hold together (a request reserves its declared
    /// length, or the cap when it declares none). Over it, new deliveries get 503 at once, so a flood of large
    /// unsigned bodies cannot exhaust memory. 64 MiB: sixteen maximum-size deliveries in flight.
    /// </summary>
    public long UnauthenticatedBudgetBytes { get; set; } = 64L * 1024 * 1024;

    /// <summary>
    /// How long a body may take to arrive (408 after). GitHub waits 10 s for the whole answer, so a body still
    /// arriving after that is not GitHub's; a slow sender must not hold its share of the budget for long.
    /// </summary>
    public TimeSpan BodyReadTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Why these settings cannot work, or null.</summary>
    public string? Problem() =>
        MaxBodyBytes is < 1024 or > 25 * 1024 * 1024 ? "bot.webhook_intake.max_body_bytes must be between 1 KiB and 25 MiB (GitHub's own cap)."
        : UnauthenticatedBudgetBytes < MaxBodyBytes ? "bot.webhook_intake.unauthenticated_budget_bytes must hold at least one delivery of max_body_bytes."
        : BodyReadTimeout <= TimeSpan.Zero ? "bot.webhook_intake.body_read_timeout must be positive."
        : null;
}

/// <summary>Refuses to start with webhook intake limits that cannot work, naming the setting.</summary>
internal sealed class WebhookIntakeValidation : IValidateOptions<BotOptions>
{
    public ValidateOptionsResult Validate(string? name, BotOptions options) =>
        options.WebhookIntake.Problem() is { } problem ? ValidateOptionsResult.Fail(problem) : ValidateOptionsResult.Success;
}
