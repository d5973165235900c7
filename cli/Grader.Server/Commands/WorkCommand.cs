using System.CommandLine;
using Grader.Bot.AspNetCore;
using Grader.Bot.Configuration;
using Grader.Bot.Hosting;
using Grader.Cli;
using Grader.Cli.Commands;
using Grader.Configuration;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Hosting;

namespace Grader.Server.Commands;

/// <summary>
/// <c>grader work</c>: a runner-only process (Hangfire server, no webhook endpoint) for the PostgreSQL mode,
/// taking jobs from the given queues.
/// </summary>
public static class WorkCommand
{
    public static Command Build()
    {
        var config = new Option<FileInfo>("--config") { Description = "The bot config file; bot.hangfire_postgres_connection_string must be set.", Required = true };
        var queues = new Option<string[]>("--queues") { Description = "Queues (capabilities) this runner serves: cpu, gpu.", DefaultValueFactory = _ => ["cpu"], AllowMultipleArgumentsPerToken = true };
        var urls = new Option<string[]>("--urls") { Description = "Addresses of the health endpoint.", DefaultValueFactory = _ => ["http://127.0.0.1:3001"], AllowMultipleArgumentsPerToken = true };
        var set = CommandSettings.Set();
        var command = new Command("work", "Run a grading runner that takes jobs from PostgreSQL-backed Hangfire queues.") { config, queues, urls, set };
        command.SetAction(async (parse, cancellationToken) =>
        {
            if (!CommandSettings.TryParse(parse.GetValue(set), out var values, out var error))
            {
                await parse.InvocationConfiguration.Error.WriteLineAsync($"grader: {error}").ConfigureAwait(false);
                return GraderCommand.UsageError;
            }
            var settings = new BotHostSettings(parse.GetRequiredValue(config).FullName)
            {
                Urls = parse.GetValue(urls) ?? [],
                Queues = parse.GetValue(queues),
                RunJobs = true,
                ServeWebhooks = false,
                Settings = values,
            };
            return await HostRunner.RunAsync(settings, cancellationToken).ConfigureAwait(false);
        });
        return command;
    }
}

/// <summary>Runs a bot host until Ctrl+C; a bad config is a clear error, not a stack trace.</summary>
internal static class HostRunner
{
    public static async Task<int> RunAsync(BotHostSettings settings, CancellationToken cancellationToken)
    {
        WebApplication app;
        try
        {
            app = GraderBotWebHost.Build(settings);
        }
        catch (Exception ex) when (ConfigurationErrors.IsConfigFileError(ex))
        {
            await Console.Error.WriteLineAsync($"grader: {ex.Message}").ConfigureAwait(false);
            return 2;
        }
        catch (Exception ex) when (ConfigurationErrors.Describe(ex).Count > 0)
        {
            return await InvalidSettingsAsync(ex).ConfigureAwait(false);
        }

        if (!settings.ServeWebhooks && string.IsNullOrEmpty(app.Configuration[BotOptions.SectionName + ":" + nameof(BotOptions.HangfirePostgresConnectionString)]))
        {
            await Console.Error.WriteLineAsync("grader work: bot.hangfire_postgres_connection_string is required (in-memory Hangfire is private to `grader serve`).").ConfigureAwait(false);
            return 2;
        }

        await using (app.ConfigureAwait(false))
        {
            try
            {
                await app.StartAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ConfigurationErrors.Describe(ex).Count > 0)
            {
                // Options validated on start (ValidateOnStart) fail here rather than in Build.
                return await InvalidSettingsAsync(ex).ConfigureAwait(false);
            }
            await app.WaitForShutdownAsync(cancellationToken).ConfigureAwait(false);
        }

        return 0;
    }

    /// <summary>One line per missing or invalid setting, naming the file key and the environment variable; exit 2.</summary>
    private static async Task<int> InvalidSettingsAsync(Exception ex)
    {
        foreach (var line in ConfigurationErrors.Describe(ex))
            await Console.Error.WriteLineAsync($"grader: {line}").ConfigureAwait(false);
        return 2;
    }
}
