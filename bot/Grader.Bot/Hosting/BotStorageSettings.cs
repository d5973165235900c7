using Grader.Bot.Configuration;
using Grader.Configuration;
using Microsoft.Extensions.Options;

namespace Grader.Bot.Hosting;

/// <summary>
/// Where the bot keeps its state: <c>bot.postgres</c> must be a PostgreSQL location, and the setting it replaced stops
/// the start naming the new key rather than being ignored (a fleet that silently fell back to SQLite and in-memory
/// queues would strand its runners).
/// </summary>
internal sealed class BotStorageSettings(IConfiguration configuration) : IValidateOptions<BotOptions>
{
    private static readonly (string Old, string New)[] Renamed =
    [
        ("HangfirePostgresConnectionString", nameof(BotOptions.Postgres)),
    ];

    public ValidateOptionsResult Validate(string? name, BotOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = Renamed.Where(r => configuration[$"{BotOptions.SectionName}:{r.Old}"] is not null).Select(r =>
        {
            var (old, now) = ($"{BotOptions.SectionName}:{r.Old}", $"{BotOptions.SectionName}:{r.New}");
            return $"{SettingNames.FileKey(old)} was renamed: set '{SettingNames.FileKey(now)}' in the config file or the environment variable {SettingNames.EnvironmentVariable(now)} (it now holds the bot's store and Hangfire's queues).";
        }).ToList();
        if (options.UsesPostgres && Grader.Evidence.Database.DatabaseLocation.Parse(options.Postgres!).Dialect != Grader.Evidence.Database.DatabaseDialect.PostgreSql)
        {
            failures.Add(BotOptions.PostgresFormatError);
        }
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
