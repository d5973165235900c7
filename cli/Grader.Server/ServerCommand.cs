using System.CommandLine;
using Grader.Cli;
using Grader.Server.Commands;

namespace Grader.Server;

/// <summary>The root of the <c>grader-server</c> command line: the learner commands of <c>grader</c> and the server's own.</summary>
public static class ServerCommand
{
    public static RootCommand Build()
    {
        var root = GraderCommand.BuildShared("Grader server: the GitHub App bot and its runners, plus every `grader` command.");
        root.Subcommands.Add(ServeCommand.Build());
        root.Subcommands.Add(WorkCommand.Build());
        root.Subcommands.Add(ConfigCommand.Build());
        root.Subcommands.Add(RunnersCommand.Build());
        root.Subcommands.Add(PublishCommand.Build());
        root.Subcommands.Add(GradingWorkerCommand.Build());
        return root;
    }

    public static Task<int> InvokeAsync(string[] args, CancellationToken cancellationToken = default) =>
        GraderCommand.InvokeAsync(Build(), args, configuration: null, cancellationToken);
}
