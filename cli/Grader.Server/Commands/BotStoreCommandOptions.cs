using System.CommandLine;
using Grader.Bot.Configuration;
using Grader.Bot.Hosting;
using Grader.Bot.Storage;
using Grader.Cli;
using Grader.Cli.Commands;
using Grader.Configuration;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace Grader.Server.Commands;

/// <summary>The config file a store command was given and the bot settings read from it (file, environment, <c>--set</c>).</summary>
internal sealed record LoadedBotConfiguration(string ConfigPath, BotOptions Bot)
{
    /// <summary>Opens (and migrates) the store the settings name; the caller disposes it.</summary>
    public GraderStore OpenStore() => new(Options.Create(Bot), TimeProvider.System);
}

/// <summary>
/// What the commands that work on the bot's store directly (<c>publish</c>, <c>runners</c>) share: <c>--config</c> and
/// <c>--set</c>, the bot configuration they name, read as <c>serve</c> reads it, and the store. A bad <c>--set</c>, config
/// file, setting or store is one <c>grader:</c> line and exit 2, not a stack trace.
/// </summary>
internal sealed class BotStoreCommandOptions(string configDescription)
{
    public Option<FileInfo> Config { get; } = new("--config") { Description = configDescription, Required = true };

    public Option<string[]> Set { get; } = CommandSettings.Set();

    /// <summary>Runs <paramref name="action"/> on the loaded configuration: its exit code, or the usage error after saying what could not be read.</summary>
    public async Task<int> RunAsync(ParseResult parse, Func<LoadedBotConfiguration, CancellationToken, Task<int>> action, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(parse);
        ArgumentNullException.ThrowIfNull(action);
        var error = parse.InvocationConfiguration.Error;
        if (!CommandSettings.TryParse(parse.GetValue(Set), out var values, out var usage))
        {
            await error.WriteLineAsync($"grader: {usage}").ConfigureAwait(false);
            return GraderCommand.UsageError;
        }

        try
        {
            var path = parse.GetRequiredValue(Config).FullName;
            var configuration = GraderBotHost.AddConfigurationSources(new ConfigurationBuilder(), new BotHostSettings(path) { Settings = values }).Build();
            var bot = configuration.GetSection(BotOptions.SectionName).Get<BotOptions>() ?? new BotOptions();
            return await action(new LoadedBotConfiguration(path, bot), cancellationToken).ConfigureAwait(false);
        }
        // IsConfigFileError includes InvalidDataException: a course section the loader rejects is a config file error too.
        catch (Exception ex) when (ConfigurationErrors.IsConfigFileError(ex) || HostRunner.StoreUnavailable(ex) is not null || ex is OptionsValidationException)
        {
            await error.WriteLineAsync($"grader: {(HostRunner.StoreUnavailable(ex) ?? ex).Message}").ConfigureAwait(false);
            return GraderCommand.UsageError;
        }
    }
}
