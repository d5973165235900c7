using System.CommandLine;
using Grader.Bot.Hosting;
using Grader.Cli;
using Grader.Cli.Commands;
using Grader.Configuration;

namespace Grader.Server.Commands;

/// <summary>
/// <c>grader config check --config FILE</c>: validates a bot config file as <c>grader serve</c> would start on it (the
/// file, then environment variables, then <c>--set</c>) and prints every setting serve reads, defaults included, with
/// where its value came from and secrets masked. Exit 0 valid, 2 not.
/// </summary>
public static class ConfigCommand
{
    public static Command Build()
    {
        var config = new Option<FileInfo>("--config") { Description = "The bot config file to check.", Required = true };
        var set = CommandSettings.Set();
        var check = new Command("check", "Validate a bot config file and print the effective settings (secrets masked).") { config, set };
        check.SetAction(async (parse, cancellationToken) =>
        {
            var output = parse.InvocationConfiguration.Output;
            var error = parse.InvocationConfiguration.Error;
            if (!CommandSettings.TryParse(parse.GetValue(set), out var values, out var usage))
            {
                await error.WriteLineAsync($"grader: {usage}".AsMemory(), cancellationToken).ConfigureAwait(false);
                return GraderCommand.UsageError;
            }
            var report = ConfigurationCheck.Run(new BotHostSettings(parse.GetRequiredValue(config).FullName) { Settings = values });
            foreach (var setting in report.Settings)
                await output.WriteLineAsync(Line(setting).AsMemory(), cancellationToken).ConfigureAwait(false);
            foreach (var problem in report.Problems)
                await error.WriteLineAsync($"grader: {problem}".AsMemory(), cancellationToken).ConfigureAwait(false);
            await output.WriteLineAsync(report.Valid ? "ok: the configuration is valid" : $"{report.Problems.Count} problem(s); fix them before `grader serve`").ConfigureAwait(false);
            return report.Valid ? 0 : GraderCommand.UsageError;
        });
        return new Command("config", "Bot configuration.") { check };
    }

    /// <summary><c>bot.webhook_secret = ***  (environment Grader__Bot__WebhookSecret)</c>; a setting never given: <c>(not set)</c>.</summary>
    internal static string Line(EffectiveSetting setting)
    {
        ArgumentNullException.ThrowIfNull(setting);
        var source = setting.Source switch
        {
            SettingSource.ConfigFile => "config file",
            SettingSource.Environment => "environment " + setting.EnvironmentVariable,
            SettingSource.CommandLine => "command line",
            _ => "default",
        };
        var value = setting.Value switch { null => "(not set)", "" => "\"\"", var v => v };
        return $"{setting.FileKey} = {value}  ({source})";
    }
}
