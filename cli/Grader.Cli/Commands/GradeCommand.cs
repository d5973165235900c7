using System.CommandLine;
using Grader.GitHub.Actions;
using Grader.Rubrics.Model;
using Spectre.Console;

namespace Grader.Cli.Commands;

/// <summary><c>grader grade --rubric R SUBMISSION</c>: grades a folder, local repository or clone URL like the bot would.</summary>
public static class GradeCommand
{
    public static Command Build()
    {
        var rubric = new Option<FileInfo>("--rubric", "-r") { Description = "The rubric YAML file.", Required = true };
        var submission = new Argument<string>("submission") { Description = "A folder, a local git repository, or a clone URL." };
        var sha = new Option<string?>("--sha") { Description = "Commit to grade (repositories and clone URLs)." };
        var reference = new Option<string?>("--ref") { Description = "Branch or tag to grade or fetch (repositories and clone URLs)." };
        var baseCommit = new Option<string?>("--base") { Description = "The pull request's base commit (repositories and clone URLs): the reference of benchmarks with 'reference: { base_commit: true }'." };
        var hidden = new Option<DirectoryInfo?>("--hidden-tests") { Description = "A hidden tests folder replacing the rubric's, for the criteria that declare hidden tests only." };
        var output = new Option<DirectoryInfo>("--out", "-o")
        {
            Description = "Where review.md and result.json are written.",
            DefaultValueFactory = _ => new DirectoryInfo("grader-out"),
        };
        var tokenEnv = new Option<string?>("--token-env") { Description = "Name of the environment variable holding an access token for the clone URL." };
        var record = new Option<string?>("--record")
        {
            Description = "Also record the grading as signed competency evidence in this store (a SQLite file or a postgres:// URL; the signing key: evidence.signing_key_path).",
        };
        var learner = new Option<string?>("--learner") { Description = "With --record: the learner's GitHub login (default: the current user name)." };
        var submittedAt = new Option<string?>("--submitted-at")
        {
            Description = "When the submission was made, ISO 8601 with an offset (2026-12-16T09:30:00+01:00 or ...Z), for the rubric's deadline and late policy. Default: now.",
        };
        var extension = new Option<string?>("--extension")
        {
            Description = "The learner's deadline extension: a duration (2d, 36h) or a new due date (ISO 8601 with an offset).",
        };
        var published = new Option<bool>("--results-published")
        {
            Description = "Grade as if the module's results were published: criteria with visibility after_published are shown (instructor preview).",
        };
        var config = CommandSettings.ConfigFile("A config file whose runner settings apply (runner:, docker:, sandbox:, gpu:, ...), below environment variables and flags.");
        var set = CommandSettings.Set();

        var command = new Command("grade", "Grade a submission against a rubric: build, test, score; writes review.md and result.json.")
        {
            rubric, submission, sha, reference, baseCommit, hidden, output, tokenEnv, record, learner, submittedAt, extension, published, config, set,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            if (Read(parse, out var usage) is not { } settings)
            {
                await parse.InvocationConfiguration.Error.WriteLineAsync($"grader: {usage}").ConfigureAwait(false);
                return GradeExitCodes.IncompleteOrUsage;
            }
            var (console, workflowLog) = ConsoleFor(parse.InvocationConfiguration.Output, insideActions: Environment.GetEnvironmentVariable("GITHUB_ACTIONS") == "true");
            using (workflowLog)
            {
                return await GradeCommandHandler.RunAsync(settings, console, configuration: null, cancellationToken).ConfigureAwait(false);
            }
        });
        return command;
    }

    /// <summary>The invocation a parsed <c>grader grade</c> command line asks for; null with the usage error when <c>--set</c> names no setting.</summary>
    internal static GradeSettings? Read(ParseResult parse, out string? error)
    {
        ArgumentNullException.ThrowIfNull(parse);
        if (!CommandSettings.TryParse(parse.GetValue<string[]>("--set"), out var values, out error)) return null;
        DateTimeOffset? submittedAt = null;
        if (parse.GetValue<string?>("--submitted-at") is { } submittedText)
        {
            if (!TryInstant(submittedText, out var at))
            {
                error = $"--submitted-at '{submittedText}' is not a date and time with an offset (e.g. 2026-12-16T09:30:00+01:00 or 2026-12-16T08:30:00Z).";
                return null;
            }
            submittedAt = at;
        }
        DeadlineExtension? extension = null;
        if (parse.GetValue<string?>("--extension") is { } extensionText)
        {
            if (!DeadlineExtension.TryParse(extensionText, out extension))
            {
                error = $"--extension '{extensionText}' is not {DeadlineExtension.Syntax}.";
                return null;
            }
        }
        return new GradeSettings(
            parse.GetValue<FileInfo>("--rubric")!.FullName,
            parse.GetValue<string>("submission")!,
            parse.GetValue<string?>("--sha"),
            parse.GetValue<string?>("--ref"),
            parse.GetValue<DirectoryInfo?>("--hidden-tests")?.FullName,
            parse.GetValue<DirectoryInfo>("--out")!.FullName,
            parse.GetValue<string?>("--token-env"))
        {
            BaseCommit = parse.GetValue<string?>("--base"),
            RecordStore = parse.GetValue<string?>("--record"),
            Learner = parse.GetValue<string?>("--learner"),
            ConfigFile = parse.GetValue<FileInfo?>("--config")?.FullName,
            Settings = values,
            SubmittedAt = submittedAt,
            Extension = extension,
            ResultsPublished = parse.GetValue<bool>("--results-published"),
        };
    }

    /// <summary>An instant written with its offset; a time without one is refused rather than read in the machine's zone.</summary>
    private static bool TryInstant(string text, out DateTimeOffset instant)
    {
        instant = default;
        var t = text.Trim();
        var hasOffset = t.EndsWith('Z') || t.EndsWith('z') || System.Text.RegularExpressions.Regex.IsMatch(t, @"[+-]\d{2}:?\d{2}$");
        return hasOffset && DateTimeOffset.TryParse(t, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.None, out instant);
    }

    /// <summary>
    /// Inside GitHub Actions the runner reads every line of stdout for workflow commands, and build steps, test
    /// output and feedback quote learner text: everything goes through a <see cref="WorkflowLog"/> (plain, never a
    /// command), which the caller disposes at the end to resume command processing for later steps.
    /// </summary>
    internal static (IAnsiConsole Console, IDisposable? WorkflowLog) ConsoleFor(TextWriter output, bool insideActions)
    {
        if (!insideActions) return (ConsoleFor(output), null);
        var writer = new WorkflowLogWriter(new WorkflowLog(output), ownsLog: true);
        return (Plain(writer), writer);
    }

    /// <summary>The terminal itself when writing to stdout, else a plain console on the given writer (tests, redirection by the host).</summary>
    internal static IAnsiConsole ConsoleFor(TextWriter output) => output == Console.Out ? AnsiConsole.Console : Plain(output);

    private static IAnsiConsole Plain(TextWriter output)
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(output),
            Ansi = AnsiSupport.No,
            ColorSystem = ColorSystemSupport.NoColors,
            Interactive = InteractionSupport.No,
        });
        console.Profile.Width = 200;
        return console;
    }
}

/// <summary>The options of one <c>grader grade</c> invocation.</summary>
public sealed record GradeSettings(
    string RubricFile,
    string Submission,
    string? Sha,
    string? Ref,
    string? HiddenTestsDirectory,
    string OutputDirectory,
    string? TokenEnvironmentVariable)
{
    /// <summary>The pull request's base commit (<c>--base</c>), for benchmark references with <c>base_commit: true</c>; null: none.</summary>
    public string? BaseCommit { get; init; }

    /// <summary>Record the grading as evidence in this store (<c>--record</c>); null: not recorded.</summary>
    public string? RecordStore { get; init; }

    /// <summary>The learner's GitHub login for the record (<c>--learner</c>).</summary>
    public string? Learner { get; init; }

    /// <summary>A config file whose settings apply (<c>--config</c>); null: none.</summary>
    public string? ConfigFile { get; init; }

    /// <summary>Settings given with <c>--set</c>, as configuration keys: they win over the file and the environment.</summary>
    public IReadOnlyDictionary<string, string?> Settings { get; init; } = new Dictionary<string, string?>();

    /// <summary>When the submission was made (<c>--submitted-at</c>); null: now, read from the command's <see cref="TimeProvider"/>.</summary>
    public DateTimeOffset? SubmittedAt { get; init; }

    /// <summary>The learner's deadline extension (<c>--extension</c>).</summary>
    public DeadlineExtension? Extension { get; init; }

    /// <summary>Show after_published criteria (<c>--results-published</c>).</summary>
    public bool ResultsPublished { get; init; }
}

/// <summary>Exit codes of <c>grader grade</c>.</summary>
public static class GradeExitCodes
{
    public const int Passed = 0;
    public const int Failed = 1;

    /// <summary>A grader error left the review incomplete, or the command line or rubric was wrong.</summary>
    public const int IncompleteOrUsage = 2;
}
