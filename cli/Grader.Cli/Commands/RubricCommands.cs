using System.CommandLine;

namespace Grader.Cli.Commands;

/// <summary><c>grader rubric ...</c>: instructor tooling for rubrics.</summary>
public static class RubricCommands
{
    public static Command Build()
    {
        var rubric = new Command("rubric", "Work with rubric files.");
        rubric.Subcommands.Add(RubricLintCommand.Build());
        return rubric;
    }
}
