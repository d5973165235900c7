using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Grader.Bot.Fleet;
using Grader.Bot.Storage;

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
        var botStore = new BotStoreCommandOptions("The bot config file (bot.postgres names the fleet's database).");
        var json = new Option<bool>("--json") { Description = "Print JSON instead of a table." };
        var command = new Command("runners", "List the fleet's runners: state, queues, GPUs, current jobs.") { botStore.Config, json, botStore.Set };
        command.SetAction((parse, cancellationToken) => botStore.RunAsync(parse, async (loaded, ct) =>
        {
            IReadOnlyList<RunnerStatus> runners;
            using (var store = loaded.OpenStore())
            {
                runners = await store.GetRunnersAsync(ct).ConfigureAwait(false);
            }

            var now = TimeProvider.System.GetUtcNow();
            var rows = runners.Select(r => RunnerView.From(r, now, loaded.Bot.RunnerHeartbeatInterval)).ToList();
            await PrintAsync(parse.InvocationConfiguration.Output, rows, parse.GetValue(json)).ConfigureAwait(false);
            return 0;
        }, cancellationToken));
        return command;
    }

    private static async Task PrintAsync(TextWriter output, IReadOnlyList<RunnerView> rows, bool json)
    {
        if (json)
        {
            await output.WriteLineAsync(JsonSerializer.Serialize(rows, new JsonSerializerOptions(JsonSerializerDefaults.Web) { WriteIndented = true })).ConfigureAwait(false);
            return;
        }

        if (rows.Count == 0)
        {
            await output.WriteLineAsync("No runner has registered. Start one with `grader-server work --config FILE --queues cpu`.").ConfigureAwait(false);
            return;
        }

        await output.WriteLineAsync($"{"RUNNER",-20} {"HOST",-16} {"STATE",-9} {"QUEUES",-9} {"JOBS",-5} {"GPUS",-28} {"HEARTBEAT",-10} RUNNING").ConfigureAwait(false);
        foreach (var row in rows)
        {
            var gpus = row.Gpus.Count == 0 ? "-" : string.Join("; ", row.Gpus);
            var running = row.RunningJobs.Count == 0 ? "-" : string.Join(", ", row.RunningJobs);
            await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                $"{row.RunnerId,-20} {row.Host,-16} {row.State,-9} {string.Join(',', row.Queues),-9} {row.Concurrency,-5} {gpus,-28} {row.HeartbeatSecondsAgo + "s ago",-10} {running}")).ConfigureAwait(false);
        }
    }
}
