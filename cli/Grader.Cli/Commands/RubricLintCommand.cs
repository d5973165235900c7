using System.CommandLine;
using Grader.GitHub.Actions;
using System.Globalization;
using Spectre.Console;

namespace Grader.Cli.Commands;

/// <summary>
/// <c>grader rubric lint &lt;files or folders&gt;...</c>: checks rubrics with located diagnostics.
/// Exit codes: 0 all valid, 1 problems found, 2 usage error (no path, a path that does not exist, unknown option or format).
/// </summary>
public static class RubricLintCommand
{
    public const int Valid = 0;
    public const int Invalid = 1;
    public const int UsageError = 2;

    private static readonly string[] Formats = ["text", "github"];

    public static Command Build()
    {
        // Usage problems are checked in the action rather than by the parser so that they exit with 2, not the parser's 1.
        var paths = new Argument<string[]>("paths")
        {
            Description = "Rubric files, or folders searched recursively for *.yaml and *.yml. A file without 'module' is checked as a fragment, or as an answer key when a rubric's quiz check names it.",
            Arity = ArgumentArity.ZeroOrMore,
        };
        var format = new Option<string>("--format")
        {
            Description = "Output: 'text' (file:line:column: error: message, then a summary) or 'github' (::error workflow commands).",
            DefaultValueFactory = _ => "text",
        };
        var lint = new Command("lint", "Check rubric files and report every problem at file:line:column.")
        {
            paths,
            format,
        };
        lint.SetAction((parseResult, cancellationToken) =>
            RunAsync(parseResult.GetValue(paths) ?? [], parseResult.GetValue(format) ?? "text", parseResult.UnmatchedTokens,
                parseResult.InvocationConfiguration.Output, parseResult.InvocationConfiguration.Error, cancellationToken));
        return lint;
    }

    private static async Task<int> RunAsync(string[] paths, string format, IReadOnlyList<string> unmatched, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        // The paths argument takes any token, so an option spelled wrong arrives here as a "path".
        var unknown = unmatched.Concat(paths.Where(p => p.StartsWith('-') && !File.Exists(p) && !Directory.Exists(p))).ToList();
        if (unknown.Count > 0)
            return await Usage(error, $"unknown option or argument: {string.Join(" ", unknown)}").ConfigureAwait(false);
        if (!Formats.Contains(format))
            return await Usage(error, $"unknown --format '{format}'; use one of: {string.Join(", ", Formats)}").ConfigureAwait(false);
        if (paths.Length == 0)
            return await Usage(error, "give at least one rubric file or folder").ConfigureAwait(false);
        var (files, missing) = RubricLinter.Expand(paths);
        if (missing.Count > 0)
            return await Usage(error, $"no such file or folder: {string.Join(", ", missing)}").ConfigureAwait(false);
        if (files.Count == 0)
            return await Usage(error, $"no rubric files (*.yaml, *.yml) under: {string.Join(", ", paths)}").ConfigureAwait(false);

        var results = await RubricLinter.LintAsync(files, cancellationToken).ConfigureAwait(false);
        if (format == "github") await WriteGitHubAsync(results, output).ConfigureAwait(false);
        else WriteText(results, output);
        return results.Any(r => r.Diagnostics.Count > 0) ? Invalid : Valid;
    }

    private static async Task<int> Usage(TextWriter error, string message)
    {
        await error.WriteLineAsync($"grader rubric lint: {message}").ConfigureAwait(false);
        await error.WriteLineAsync("usage: grader rubric lint <files or folders>... [--format text|github]").ConfigureAwait(false);
        return UsageError;
    }

    private static void WriteText(IReadOnlyList<RubricLintFile> results, TextWriter output)
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(output),
            Ansi = output == Console.Out ? AnsiSupport.Detect : AnsiSupport.No,
            ColorSystem = output == Console.Out ? ColorSystemSupport.Detect : ColorSystemSupport.NoColors,
            Interactive = InteractionSupport.No,
        });
        // Never wrap: each diagnostic stays one line that editors and scripts can parse.
        console.Profile.Width = 4096;
        foreach (var diagnostic in results.SelectMany(r => r.Diagnostics))
        {
            var where = $"{diagnostic.Location.File}:{diagnostic.Location.Line}:{diagnostic.Location.Column}";
            console.MarkupLine($"{Markup.Escape(where)}: [red]error[/]: {Markup.Escape(diagnostic.Message)}");
        }
        var errors = results.Sum(r => r.Diagnostics.Count);
        var failed = results.Count(r => r.Diagnostics.Count > 0);
        var checkedText = CheckedText(results);
        if (errors == 0) console.MarkupLine($"[green]ok[/]: {Markup.Escape(checkedText)}, no problems");
        else console.MarkupLine($"[red]{Markup.Escape(Plural(errors, "error"))}[/] in {Markup.Escape(Plural(failed, "file"))}; {Markup.Escape(checkedText)}");
    }

    /// <summary>"13 files checked (8 rubrics, 4 fragments, 1 answer key)"; answer keys are named only when there are some.</summary>
    private static string CheckedText(IReadOnlyList<RubricLintFile> results)
    {
        var kinds = new List<string>
        {
            Plural(results.Count(r => r.Kind == LintedAs.Rubric), "rubric"),
            Plural(results.Count(r => r.Kind == LintedAs.Fragment), "fragment"),
        };
        var keys = results.Count(r => r.Kind == LintedAs.AnswerKey);
        if (keys > 0) kinds.Add(Plural(keys, "answer key"));
        return $"{Plural(results.Count, "file")} checked ({string.Join(", ", kinds)})";
    }

    private static string Plural(int n, string noun) => string.Create(CultureInfo.InvariantCulture, $"{n} {noun}{(n == 1 ? "" : "s")}");

    /// <summary>GitHub workflow commands: the runner turns each into an annotation on the file and line.</summary>
    private static async Task WriteGitHubAsync(IReadOnlyList<RubricLintFile> results, TextWriter output)
    {
        foreach (var d in results.SelectMany(r => r.Diagnostics))
        {
            var line = WorkflowCommands.Annotation("error", d.Message, d.Location.File, d.Location.Line, column: d.Location.Column, title: "rubric lint");
            await output.WriteLineAsync(line).ConfigureAwait(false);
        }
        var errors = results.Sum(r => r.Diagnostics.Count);
        await output.WriteLineAsync(errors == 0
            ? $"rubric lint: {Plural(results.Count, "file")} checked, no problems"
            : $"rubric lint: {Plural(errors, "error")} in {Plural(results.Count(r => r.Diagnostics.Count > 0), "file")}").ConfigureAwait(false);
    }
}
