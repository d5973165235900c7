using System.CommandLine;
using Grader.Bot.Hosting;

namespace Grader.Server.Commands;

/// <summary>
/// <c>grader config check --config FILE</c>: validates a bot config file as <c>grader serve</c> would start on it (the
/// file, then environment variables) and prints the effective settings, secrets masked. Exit 0 valid, 2 not.
/// </summary>
public static class ConfigCommand
{
    public static Command Build()
    {
        var config = new Option<FileInfo>("--config") { Description = "The bot config file to check.", Required = true };
        var check = new Command("check", "Validate a bot config file and print the effective settings (secrets masked).") { config };
        check.SetAction(async (parse, cancellationToken) =>
        {
            var output = parse.InvocationConfiguration.Output;
            var error = parse.InvocationConfiguration.Error;
            var report = ConfigurationCheck.Run(new BotHostSettings(parse.GetRequiredValue(config).FullName));
            foreach (var setting in report.Settings)
            {
                var source = setting.EnvironmentVariable is null ? "" : $"  (from {setting.EnvironmentVariable})";
                await output.WriteLineAsync($"{setting.FileKey} = {setting.Value}{source}".AsMemory(), cancellationToken).ConfigureAwait(false);
            }
            foreach (var problem in report.Problems)
                await error.WriteLineAsync($"grader: {problem}".AsMemory(), cancellationToken).ConfigureAwait(false);
            await output.WriteLineAsync(report.Valid ? "ok: the configuration is valid" : $"{report.Problems.Count} problem(s); fix them before `grader serve`").ConfigureAwait(false);
            return report.Valid ? 0 : GraderCommand.UsageError;
        });
        return new Command("config", "Bot configuration.") { check };
    }
}
