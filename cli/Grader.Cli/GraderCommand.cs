using System.CommandLine;
using Grader.Cli.Commands;

namespace Grader.Cli;

/// <summary>The root of the <c>grader</c> command line; each subcommand lives in <c>Commands/</c>.</summary>
public static class GraderCommand
{
    /// <summary>The lean <c>grader</c>: what learners, instructors, program leads and the Action run.</summary>
    public static RootCommand Build()
    {
        var root = BuildShared("Grader: grade ML-infrastructure course submissions against YAML rubrics.");
        foreach (var name in ServerOnlyCommands) root.Subcommands.Add(ServerOnly(name));
        return root;
    }

    /// <summary>The commands <c>grader</c> and <c>grader-server</c> share.</summary>
    public static RootCommand BuildShared(string description)
    {
        var root = new RootCommand(description);
        root.Subcommands.Add(RubricCommands.Build());
        root.Subcommands.Add(GradeCommand.Build());
        root.Subcommands.Add(ImagesCommand.Build());
        root.Subcommands.Add(ActionCommand.Build());
        root.Subcommands.Add(EvidenceCommands.Build());
        root.Subcommands.Add(RosterCommands.Build());
        root.Subcommands.Add(ReportCommands.Build());
        return root;
    }

    /// <summary>Commands of the server build (cli/Grader.Server), named here so <c>grader serve</c> says where they went.</summary>
    public static readonly IReadOnlyList<string> ServerOnlyCommands = ["serve", "work", "config"];

    private static Command ServerOnly(string name)
    {
        var rest = new Argument<string[]>("arguments") { Arity = ArgumentArity.ZeroOrMore };
        var command = new Command(name, $"Part of grader-server (cli/Grader.Server): `grader-server {name}`.") { Hidden = true };
        command.Arguments.Add(rest);
        command.TreatUnmatchedTokensAsErrors = false;
        command.SetAction(parse =>
        {
            parse.InvocationConfiguration.Error.WriteLine(
                $"`grader {name}` is part of the server build: run `grader-server {name}` (dotnet build cli/Grader.Server -c Release; see bot/README.md).");
            return UsageError;
        });
        return command;
    }

    /// <summary>Exit code of a command line that does not parse (unknown option, missing argument).</summary>
    public const int UsageError = 2;

    /// <summary>How long an interrupted command may take to clean up before the process exits anyway (130).</summary>
    public static readonly TimeSpan CleanupGrace = TimeSpan.FromSeconds(60);

    /// <summary>Parses and runs a command line; a line that does not parse exits <see cref="UsageError"/> (System.CommandLine alone gives 1, which <c>grader grade</c> uses for a failed submission).</summary>
    public static Task<int> InvokeAsync(string[] args, InvocationConfiguration? configuration = null, CancellationToken cancellationToken = default) =>
        InvokeAsync(Build(), args, configuration, cancellationToken);

    /// <summary>Parses and runs a command line against <paramref name="root"/> (the lean or the server command).</summary>
    public static async Task<int> InvokeAsync(RootCommand root, string[] args, InvocationConfiguration? configuration = null, CancellationToken cancellationToken = default)
    {
        // Ctrl-C and SIGTERM cancel the command's token; the command then removes its containers, volumes and image
        // tags. System.CommandLine's default 2 s grace would exit before that cleanup finished.
        configuration ??= new InvocationConfiguration { ProcessTerminationTimeout = CleanupGrace };
        ArgumentNullException.ThrowIfNull(root);
        var parse = root.Parse(args);
        var exit = await parse.InvokeAsync(configuration, cancellationToken).ConfigureAwait(false);
        return parse.Errors.Count > 0 ? UsageError : exit;
    }
}
