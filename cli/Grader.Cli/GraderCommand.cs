using System.CommandLine;
using Grader.Cli.Commands;

namespace Grader.Cli;

/// <summary>The root of the <c>grader</c> command line; each subcommand lives in <c>Commands/</c>.</summary>
public static class GraderCommand
{
    public static RootCommand Build()
    {
        var root = new RootCommand("Grader: grade ML-infrastructure course submissions against YAML rubrics.");
        root.Subcommands.Add(RubricCommands.Build());
        root.Subcommands.Add(GradeCommand.Build());
        root.Subcommands.Add(ImagesCommand.Build());
        root.Subcommands.Add(ServeCommand.Build());
        root.Subcommands.Add(WorkCommand.Build());
        root.Subcommands.Add(ConfigCommand.Build());
        root.Subcommands.Add(ActionCommand.Build());
        root.Subcommands.Add(GradingWorkerCommand.Build());
        root.Subcommands.Add(EvidenceCommands.Build());
        root.Subcommands.Add(RosterCommands.Build());
        root.Subcommands.Add(ReportCommands.Build());
        return root;
    }

    /// <summary>Exit code of a command line that does not parse (unknown option, missing argument).</summary>
    public const int UsageError = 2;

    /// <summary>How long an interrupted command may take to clean up before the process exits anyway (130).</summary>
    public static readonly TimeSpan CleanupGrace = TimeSpan.FromSeconds(60);

    /// <summary>Parses and runs a command line; a line that does not parse exits <see cref="UsageError"/> (System.CommandLine alone gives 1, which <c>grader grade</c> uses for a failed submission).</summary>
    public static async Task<int> InvokeAsync(string[] args, InvocationConfiguration? configuration = null, CancellationToken cancellationToken = default)
    {
        // Ctrl-C and SIGTERM cancel the command's token; the command then removes its containers, volumes and image
        // tags. System.CommandLine's default 2 s grace would exit before that cleanup finished.
        configuration ??= new InvocationConfiguration { ProcessTerminationTimeout = CleanupGrace };
        var parse = Build().Parse(args);
        var exit = await parse.InvokeAsync(configuration, cancellationToken).ConfigureAwait(false);
        return parse.Errors.Count > 0 ? UsageError : exit;
    }
}
