using System.CommandLine;
using Grader.Bot.Integration.Worker;

namespace Grader.Server.Commands;

/// <summary>
/// <c>grader worker</c> (hidden): one grading attempt of the bot, in its own process. <c>grader serve</c> starts it and
/// hands it the assignment on stdin; it is not meant to be run by hand. <c>--job</c> only names the job in <c>ps</c>.
/// </summary>
public static class GradingWorkerCommand
{
    public static Command Build()
    {
        var job = new Option<string>("--job") { Description = "The job key, for operators reading the process list." };
        var command = new Command(GradingWorker.Subcommand, "Grade one assignment read from stdin (started by `grader serve`).") { job };
        command.Hidden = true;
        command.SetAction(async (_, cancellationToken) =>
        {
            var input = Console.OpenStandardInput();
            var output = Console.OpenStandardOutput();
            await using (input.ConfigureAwait(false))
            await using (output.ConfigureAwait(false))
            {
                return await GradingWorker.RunAsync(input, output, cancellationToken).ConfigureAwait(false);
            }
        });
        return command;
    }
}
