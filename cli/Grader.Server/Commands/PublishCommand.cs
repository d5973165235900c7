using System.CommandLine;
using Grader.Bot.Configuration;
using Grader.Bot.Intake;
using Grader.Bot.Visibility;
using Grader.Cli;
using Grader.GitHub.Outbox;
using Microsoft.Extensions.Logging.Abstractions;

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
        var botStore = new BotStoreCommandOptions("The bot config file (the store it names, the course's rubrics).");
        var rubric = new Option<string>("--rubric") { Description = "The rubric's name under `rubrics:` in the config file.", Required = true };
        var command = new Command("publish", "Publish a module's results: show after_published criteria on the posted reviews.") { botStore.Config, rubric, botStore.Set };
        command.SetAction((parse, cancellationToken) => botStore.RunAsync(parse, async (loaded, ct) =>
        {
            var output = parse.InvocationConfiguration.Output;
            var error = parse.InvocationConfiguration.Error;
            var name = parse.GetRequiredValue(rubric);
            var courses = CourseConfigurationLoader.Load(loaded.ConfigPath);
            if (!courses.Rubrics.ContainsKey(name))
            {
                await error.WriteLineAsync($"grader: {loaded.ConfigPath} lists no rubric '{name}' under rubrics: (it has {string.Join(", ", courses.Rubrics.Keys.Order(StringComparer.Ordinal))}).").ConfigureAwait(false);
                return GraderCommand.UsageError;
            }

            using var store = loaded.OpenStore();
            var refresher = new VisibilityRefresher(store, courses, new RubricCatalog(NullLogger<RubricCatalog>.Instance),
                new OutboxSignal(TimeProvider.System), TimeProvider.System, NullLogger<VisibilityRefresher>.Instance);
            var (newly, edited) = await refresher.PublishAsync(name, ct).ConfigureAwait(false);
            await output.WriteLineAsync(
                $"{(newly ? "Published" : "Already published:")} the results of '{name}'. {edited} posted result(s) will be edited to show what is now visible (the serve front publishes them).").ConfigureAwait(false);
            return 0;
        }, cancellationToken));
        return command;
    }
}
