using Grader.Bot.Configuration;
using Grader.Configuration;
using Grader.GitHub.Publishing;
using Microsoft.Extensions.Options;

namespace Grader.Bot.Hosting;

/// <summary>
/// The outbox's delays moved from <c>bot</c> to <c>github.publishing</c> (one set for every publisher). The config file
/// refuses the old keys as unknown; an environment variable that still sets them (<c>Grader__Bot__OutboxPollInterval</c>)
/// would silently give the defaults, so it fails at start naming the new key.
/// </summary>
internal sealed class MovedOutboxSettings(IConfiguration configuration) : IValidateOptions<PublishingOptions>
{
    private static readonly string[] Moved = [nameof(PublishingOptions.OutboxPollInterval), nameof(PublishingOptions.OutboxBaseDelay), nameof(PublishingOptions.OutboxMaxDelay)];

    public ValidateOptionsResult Validate(string? name, PublishingOptions options)
    {
        var stale = Moved.Where(key => configuration[$"{BotOptions.SectionName}:{key}"] is not null).ToList();
        return stale.Count == 0
            ? ValidateOptionsResult.Success
            : ValidateOptionsResult.Fail(stale.Select(key =>
            {
                var (old, now) = ($"{BotOptions.SectionName}:{key}", $"{PublishingOptions.SectionName}:{key}");
                return $"{SettingNames.FileKey(old)} has moved: set '{SettingNames.FileKey(now)}' in the config file or the environment variable {SettingNames.EnvironmentVariable(now)}.";
            }));
    }
}
