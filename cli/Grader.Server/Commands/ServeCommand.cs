using System.CommandLine;
using Grader.Bot.Hosting;
using Grader.Cli;
using Grader.Cli.Commands;

namespace Grader.Server.Commands;

/// <summary>
/// <c>grader serve</c>: the GitHub App bot and, by default, an in-process runner (Hangfire server) on one
/// machine, state in SQLite. See bot/README.md.
/// </summary>
public static class ServeCommand
{
    public static Command Build()
    {
        var config = new Option<FileInfo>("--config") { Description = "The bot config file (see config/grader.example.yaml).", Required = true };
        var urls = new Option<string[]>("--urls") { Description = "Addresses to listen on.", DefaultValueFactory = _ => ["http://0.0.0.0:3000"], AllowMultipleArgumentsPerToken = true };
        var queues = new Option<string[]>("--queues") { Description = "Runner queues served in-process (cpu, gpu); overrides bot.queues.", AllowMultipleArgumentsPerToken = true };
        var noRunner = new Option<bool>("--no-runner") { Description = "Webhook front only: jobs are run by `grader work` processes (PostgreSQL mode)." };
        var command = new Command("serve", "Run the GitHub App webhook bot with an embedded runner.") { config, urls, queues, noRunner, CommandSettings.Set() };
        command.SetAction(async (parse, cancellationToken) =>
        {
            if (Read(parse, out var error) is not { } settings)
            {
                await parse.InvocationConfiguration.Error.WriteLineAsync($"grader: {error}").ConfigureAwait(false);
                return GraderCommand.UsageError;
            }
            return await HostRunner.RunAsync(settings, cancellationToken).ConfigureAwait(false);
        });
        return command;
    }

    /// <summary>What a parsed <c>grader serve</c> command line asks for; null with the usage error when <c>--set</c> names no setting.</summary>
    internal static BotHostSettings? Read(ParseResult parse, out string? error)
    {
        ArgumentNullException.ThrowIfNull(parse);
        if (!CommandSettings.TryParse(parse.GetValue<string[]>("--set"), out var values, out error)) return null;
        return new BotHostSettings(parse.GetRequiredValue<FileInfo>("--config").FullName)
        {
            Urls = parse.GetValue<string[]>("--urls") ?? [],
            Queues = parse.GetValue<string[]>("--queues"),
            RunJobs = parse.GetValue<bool>("--no-runner") ? false : null,
            Settings = values,
        };
    }
}
