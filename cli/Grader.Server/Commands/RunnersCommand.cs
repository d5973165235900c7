using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Grader.Bot.Configuration;
using Grader.Bot.Fleet;
using Grader.Bot.Hosting;
using Grader.Bot.Storage;
using Grader.Cli;
using Grader.Cli.Commands;
using Grader.Configuration;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace Grader.Server.Commands;

/// <summary>
/// <c>grader-server runners --config FILE</c>: the fleet as its registry knows it: each runner's host, queues,
/// concurrency, GPUs, state (idle, busy, draining, stopped, or lost when its heartbeat stopped) and the jobs running on
/// it. Reads the store the config file names (<c>bot.postgres</c> for a fleet). <c>--json</c> for scripts.
/// </summary>
public static class RunnersCommand
{
    public static Command Build()
    {
        var config = new Option<FileInfo>("--config") { Description = "The bot config file (bot.postgres names the fleet's database).", Required = true };
        var json = new Option<bool>("--json") { Description = "Print JSON instead of a table." };
        var set = CommandSettings.Set();
        var command = new Command("runners", "List the fleet's runners: state, queues, GPUs, current jobs.") { config, json, set };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var output = parse.InvocationConfiguration.Output;
            var error = parse.InvocationConfiguration.Error;
            if (!CommandSettings.TryParse(parse.GetValue(set), out var values, out var usage))
            {
                await error.WriteLineAsync($"grader: {usage}").ConfigureAwait(false);
                return GraderCommand.UsageError;
            }

            BotOptions bot;
            IReadOnlyList<RunnerStatus> runners;
            try
            {
                var configuration = GraderBotHost.AddConfigurationSources(new ConfigurationBuilder(), new BotHostSettings(parse.GetRequiredValue(config).FullName) { Settings = values }).Build();
                bot = configuration.GetSection(BotOptions.SectionName).Get<BotOptions>() ?? new BotOptions();
                using var store = new GraderStore(Options.Create(bot), TimeProvider.System);
                runners = await store.GetRunnersAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ConfigurationErrors.IsConfigFileError(ex) || HostRunner.StoreUnavailable(ex) is not null || ex is OptionsValidationException)
            {
                await error.WriteLineAsync($"grader: {(HostRunner.StoreUnavailable(ex) ?? ex).Message}").ConfigureAwait(false);
                return GraderCommand.UsageError;
            }

            var now = TimeProvider.System.GetUtcNow();
            var rows = runners.Select(r => RunnerView.From(r, now, bot.RunnerHeartbeatInterval)).ToList();
            if (parse.GetValue(json))
            {
                await output.WriteLineAsync(JsonSerializer.Serialize(rows, new JsonSerializerOptions(JsonSerializerDefaults.Web) { WriteIndented = true })).ConfigureAwait(false);
                return 0;
            }

            if (rows.Count == 0)
            {
                await output.WriteLineAsync("No runner has registered. Start one with `grader-server work --config FILE --queues cpu`.").ConfigureAwait(false);
                return 0;
            }

            await output.WriteLineAsync($"{"RUNNER",-20} {"HOST",-16} {"STATE",-9} {"QUEUES",-9} {"JOBS",-5} {"GPUS",-28} {"HEARTBEAT",-10} RUNNING").ConfigureAwait(false);
            foreach (var row in rows)
            {
                var gpus = row.Gpus.Count == 0 ? "-" : string.Join("; ", row.Gpus);
                var running = row.RunningJobs.Count == 0 ? "-" : string.Join(", ", row.RunningJobs);
                await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                    $"{row.RunnerId,-20} {row.Host,-16} {row.State,-9} {string.Join(',', row.Queues),-9} {row.Concurrency,-5} {gpus,-28} {row.HeartbeatSecondsAgo + "s ago",-10} {running}")).ConfigureAwait(false);
            }
            return 0;
        });
        return command;
    }
}
