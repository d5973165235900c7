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
        root.Subcommands.Add(ServeCommand.Build());
        root.Subcommands.Add(WorkCommand.Build());
        return root;
    }
}
