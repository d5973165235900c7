using System.CommandLine;
using Grader.Bot.Configuration;
using Grader.Bot.Hosting;
using Grader.Bot.Intake;
using Grader.Bot.Storage;
using Grader.Bot.Visibility;
using Grader.Cli;
using Grader.Cli.Commands;
using Grader.Configuration;
using Grader.GitHub.Outbox;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Grader.Server.Commands;

/// <summary>
/// <c>grader-server publish --config FILE --rubric NAME</c>: the instructor publishes a module's results. Criteria marked
/// <c>visibility: after_published</c> are shown from now on: the latest graded submission of every pull request graded
/// with that rubric gets its check run and review edited in place (through the store's outbox, which the running
/// <c>serve</c> front publishes). Safe to run twice: the second run edits nothing.
/// </summary>
public static class PublishCommand
{
    public static Command Build()
    {
        var config = new Option<FileInfo>("--config") { Description = "The bot config file (the store it names, the course's rubrics).", Required = true };
        var rubric = new Option<string>("--rubric") { Description = "The rubric's name under `rubrics:` in the config file.", Required = true };
        var set = CommandSettings.Set();
        var command = new Command("publish", "Publish a module's results: show after_published criteria on the posted reviews.") { config, rubric, set };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var output = parse.InvocationConfiguration.Output;
            var error = parse.InvocationConfiguration.Error;
            if (!CommandSettings.TryParse(parse.GetValue(set), out var values, out var usage))
            {
                await error.WriteLineAsync($"grader: {usage}").ConfigureAwait(false);
                return GraderCommand.UsageError;
            }

            var name = parse.GetRequiredValue(rubric);
            try
            {
                var path = parse.GetRequiredValue(config).FullName;
                var configuration = GraderBotHost.AddConfigurationSources(new ConfigurationBuilder(), new BotHostSettings(path) { Settings = values }).Build();
                var bot = configuration.GetSection(BotOptions.SectionName).Get<BotOptions>() ?? new BotOptions();
                var courses = CourseConfigurationLoader.Load(path);
                if (!courses.Rubrics.ContainsKey(name))
                {
                    await error.WriteLineAsync($"grader: {path} lists no rubric '{name}' under rubrics: (it has {string.Join(", ", courses.Rubrics.Keys.Order(StringComparer.Ordinal))}).").ConfigureAwait(false);
                    return GraderCommand.UsageError;
                }

                using var store = new GraderStore(Options.Create(bot), TimeProvider.System);
                var refresher = new VisibilityRefresher(store, courses, new RubricCatalog(NullLogger<RubricCatalog>.Instance),
                    new OutboxSignal(TimeProvider.System), TimeProvider.System, NullLogger<VisibilityRefresher>.Instance);
                var (newly, edited) = await refresher.PublishAsync(name, cancellationToken).ConfigureAwait(false);
                await output.WriteLineAsync(
                    $"{(newly ? "Published" : "Already published:")} the results of '{name}'. {edited} posted result(s) will be edited to show what is now visible (the serve front publishes them).").ConfigureAwait(false);
                return 0;
            }
            catch (Exception ex) when (ConfigurationErrors.IsConfigFileError(ex) || HostRunner.StoreUnavailable(ex) is not null || ex is OptionsValidationException or InvalidDataException)
            {
                await error.WriteLineAsync($"grader: {(HostRunner.StoreUnavailable(ex) ?? ex).Message}").ConfigureAwait(false);
                return GraderCommand.UsageError;
            }
        });
        return command;
    }
}
