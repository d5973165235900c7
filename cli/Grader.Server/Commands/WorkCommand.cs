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
/// <c>grader-server work</c>: a runner-only process (Hangfire server, no webhook endpoint) on any host that reaches the
/// fleet's PostgreSQL (<c>bot.postgres</c>) and a Docker engine, taking jobs from the given queues. Its own config file
/// gives it the rubrics and hidden tests by name; it needs nothing from the bot's disk.
/// </summary>
public static class WorkCommand
{
    public static Command Build()
    {
        var config = new Option<FileInfo>("--config") { Description = "The course config file (rubrics, hidden tests); bot.postgres must be set.", Required = true };
        var queues = new Option<string[]>("--queues") { Description = "Queues (capabilities) this runner serves: cpu, gpu (comma- or space-separated).", DefaultValueFactory = _ => ["cpu"], AllowMultipleArgumentsPerToken = true };
        var concurrency = new Option<int?>("--concurrency") { Description = "Jobs this runner grades at once (bot.worker_count); a GPU job holds one GPU of its own." };
        var runnerId = new Option<string?>("--runner-id") { Description = "This runner's id (runner.runner_id): distinct per runner sharing a Docker engine." };
        var urls = new Option<string[]>("--urls") { Description = "Addresses of the health endpoint.", DefaultValueFactory = _ => ["http://127.0.0.1:3001"], AllowMultipleArgumentsPerToken = true };
        var set = CommandSettings.Set();
        var command = new Command("work", "Run a grading runner that takes jobs from PostgreSQL-backed Hangfire queues.") { config, queues, concurrency, runnerId, urls, set };
        command.SetAction(async (parse, cancellationToken) =>
        {
            if (!CommandSettings.TryParse(parse.GetValue(set), out var values, out var error))
            {
                await parse.InvocationConfiguration.Error.WriteLineAsync($"grader: {error}").ConfigureAwait(false);
                return GraderCommand.UsageError;
            }
            if (parse.GetValue(concurrency) is { } workers)
            {
                if (workers < 1)
                {
                    await parse.InvocationConfiguration.Error.WriteLineAsync("grader: --concurrency must be at least 1").ConfigureAwait(false);
                    return GraderCommand.UsageError;
                }
                values[BotOptions.SectionName + ":" + nameof(BotOptions.WorkerCount)] = workers.ToString(System.Globalization.CultureInfo.InvariantCulture);
            }
            if (parse.GetValue(runnerId) is { Length: > 0 } id)
            {
                values[Grader.Runner.Pipeline.RunnerOptions.SectionName + ":" + nameof(Grader.Runner.Pipeline.RunnerOptions.RunnerId)] = id;
            }
            var settings = new BotHostSettings(parse.GetRequiredValue(config).FullName)
            {
                Urls = parse.GetValue(urls) ?? [],
                Queues = [.. (parse.GetValue(queues) ?? []).SelectMany(q => q.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))],
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
        catch (Exception ex) when (StoreUnavailable(ex) is { } store)
        {
            await Console.Error.WriteLineAsync($"grader: {store.Message}").ConfigureAwait(false);
            return 2;
        }

        if (!settings.ServeWebhooks && string.IsNullOrEmpty(app.Configuration[BotOptions.SectionName + ":" + nameof(BotOptions.Postgres)]))
        {
            await Console.Error.WriteLineAsync("grader work: bot.postgres is required (set it in the config file or Grader__Bot__Postgres): without it the queues live in `grader-server serve`'s memory.").ConfigureAwait(false);
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
            catch (Exception ex) when (StoreUnavailable(ex) is { } store)
            {
                // The store is opened (and migrated) when the host starts: an unreachable database or a newer schema.
                await Console.Error.WriteLineAsync($"grader: {store.Message}").ConfigureAwait(false);
                return 2;
            }
            await app.WaitForShutdownAsync(cancellationToken).ConfigureAwait(false);
        }

        return 0;
    }

    /// <summary>The database error behind a failed start, however deep the container wrapped it.</summary>
    internal static Exception? StoreUnavailable(Exception ex)
    {
        for (Exception? e = ex; e is not null; e = e.InnerException)
        {
            if (e is Grader.Evidence.Database.DatabaseUnavailableException or Grader.Evidence.Database.SchemaTooNewException) return e;
        }
        return null;
    }

    /// <summary>One line per missing or invalid setting, naming the file key and the environment variable; exit 2.</summary>
    private static async Task<int> InvalidSettingsAsync(Exception ex)
    {
        foreach (var line in ConfigurationErrors.Describe(ex))
            await Console.Error.WriteLineAsync($"grader: {line}").ConfigureAwait(false);
        return 2;
    }
}
