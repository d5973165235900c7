using System.CommandLine;
using Grader.Bot.Hosting;

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
        var command = new Command("serve", "Run the GitHub App webhook bot with an embedded runner.") { config, urls, queues, noRunner };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var settings = new BotHostSettings(parse.GetRequiredValue(config).FullName)
            {
                Urls = parse.GetValue(urls) ?? [],
                Queues = parse.GetValue(queues),
                RunJobs = parse.GetValue(noRunner) ? false : null,
            };
            return await HostRunner.RunAsync(settings, cancellationToken).ConfigureAwait(false);
        });
        return command;
    }
}
