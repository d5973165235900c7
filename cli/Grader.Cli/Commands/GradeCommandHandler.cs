using Grader.Configuration;
using Grader.Evidence.Recording;
using Grader.Rubrics.Loading;
using Grader.Rubrics.Rendering;
using Grader.Rubrics.Scoring;
using Grader.Runner.Checkout;
using Grader.Runner.Pipeline;
using Grader.Runner.Results;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Spectre.Console;

namespace Grader.Cli.Commands;

/// <summary>Runs <c>grader grade</c>: loads the rubric, grades through the runner's pipeline, shows and writes the outcome.</summary>
public static class GradeCommandHandler
{
    /// <param name="configuration">The whole configuration (tests); null: <see cref="Configuration"/> of <paramref name="settings"/>.</param>
    public static Task<int> RunAsync(GradeSettings settings, IAnsiConsole console, IConfiguration? configuration, CancellationToken cancellationToken) =>
        RunAsync(settings, console, configuration, TimeProvider.System, cancellationToken);

    /// <param name="time">The clock "now" is read from: the default submission time, and whether results hidden until the due date show.</param>
    public static async Task<int> RunAsync(GradeSettings settings, IAnsiConsole console, IConfiguration? configuration, TimeProvider time, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(console);
        ArgumentNullException.ThrowIfNull(time);

        var loaded = await RubricLoader.LoadFileAsync(settings.RubricFile, cancellationToken).ConfigureAwait(false);
        if (!loaded.Success)
        {
            foreach (var diagnostic in loaded.Diagnostics) console.MarkupLine($"[red]{Markup.Escape(diagnostic.ToString())}[/]");
            console.MarkupLine($"[red]The rubric has {loaded.Diagnostics.Count} error(s); nothing was graded.[/]");
            return GradeExitCodes.IncompleteOrUsage;
        }

        if (!TrySubmission(settings, out var source, out var usageError))
        {
            console.MarkupLine($"[red]{Markup.Escape(usageError!)}[/]");
            return GradeExitCodes.IncompleteOrUsage;
        }

        // After the hard close nothing is built or run: the submission is acknowledged and not graded.
        var submittedAt = settings.SubmittedAt ?? time.GetUtcNow();
        if (loaded.Rubric!.Deadline is { } deadline && deadline.IsClosedAt(submittedAt, settings.Extension))
        {
            console.MarkupLine($"[red]{Markup.Escape(deadline.Assess(submittedAt, settings.Extension).Explanation)}[/]");
            return GradeExitCodes.Failed;
        }

        try
        {
            configuration ??= Configuration(settings);
        }
        catch (Exception e) when (ConfigurationErrors.IsConfigFileError(e))
        {
            console.MarkupLine($"[red]{Markup.Escape(e.Message)}[/]");
            return GradeExitCodes.IncompleteOrUsage;
        }

        await using var services = BuildServices(configuration);
        if (ConfigurationErrors.ValidateOnStart(services) is { Count: > 0 } invalid)
        {
            foreach (var line in invalid) console.MarkupLine($"[red]{Markup.Escape(line)}[/]");
            return GradeExitCodes.IncompleteOrUsage;
        }
        var pipeline = services.GetRequiredService<GradingPipeline>();
        var request = new GradingRequest
        {
            Rubric = loaded.Rubric!,
            Submission = source!,
            RubricFile = Path.GetRelativePath(Environment.CurrentDirectory, settings.RubricFile),
            HiddenTestsDirectory = settings.HiddenTestsDirectory,
            SubmittedAt = submittedAt,
            Extension = settings.Extension,
            ResultsPublished = settings.ResultsPublished,
            BaseCommit = settings.BaseCommit,
        };

        console.MarkupLine($"Grading [bold]{Markup.Escape(source!.Describe())}[/] against [bold]{Markup.Escape(loaded.Rubric!.Module.Id)}[/] ({Markup.Escape(loaded.Rubric.Module.Title)})");
        GradingRun run;
        try
        {
            var context = SubmissionContext.Create(time, submittedAt, settings.Extension, settings.ResultsPublished);
            run = await GradeProgressView.RunAsync(console, progress => pipeline.RunAsync(request, new ConcealingProgress(progress, request.Rubric, context), cancellationToken)).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            console.MarkupLine("[yellow]Cancelled; the job's containers and images were removed.[/]");
            return GradeExitCodes.IncompleteOrUsage;
        }

        GradeReportView.Write(console, run);
        Directory.CreateDirectory(settings.OutputDirectory);
        var reviewPath = Path.Combine(settings.OutputDirectory, "review.md");
        var resultPath = Path.Combine(settings.OutputDirectory, ResultJson.FileName);
        await File.WriteAllTextAsync(reviewPath, MarkdownReviewRenderer.RenderReview(run.Review), cancellationToken).ConfigureAwait(false);
        await ResultJson.WriteFileAsync(ResultDocumentFactory.Create(run), resultPath, cancellationToken).ConfigureAwait(false);
        console.MarkupLine($"Wrote [link]{Markup.Escape(reviewPath)}[/] and [link]{Markup.Escape(resultPath)}[/]");
        if (settings.RecordStore is not null && !await GradeEvidence.RecordAsync(settings, source, run, services.GetRequiredService<IOptions<EvidenceOptions>>().Value, console, cancellationToken).ConfigureAwait(false))
        {
            return GradeExitCodes.IncompleteOrUsage;
        }

        return run.Review.Incomplete ? GradeExitCodes.IncompleteOrUsage
            : run.Review.Passed ? GradeExitCodes.Passed
            : GradeExitCodes.Failed;
    }

    internal static bool TrySubmission(GradeSettings settings, out SubmissionSource? source, out string? error)
    {
        source = null;
        error = null;
        var target = settings.Submission;
        string? token = null;
        if (settings.TokenEnvironmentVariable is { } name)
        {
            token = Environment.GetEnvironmentVariable(name);
            if (string.IsNullOrEmpty(token))
            {
                error = $"--token-env {name}: the environment variable is not set.";
                return false;
            }
        }

        // On Unix an absolute path parses as a file:// URI: only text with an explicit scheme is a clone URL.
        if (target.Contains("://", StringComparison.Ordinal) && Uri.TryCreate(target, UriKind.Absolute, out var url) && url.Scheme is "https" or "http" or "file" or "ssh" or "git")
        {
            source = new RemoteRepositorySubmission(url, settings.Ref, settings.Sha, token);
            return true;
        }
        if (!Directory.Exists(target))
        {
            error = $"{target} is neither a folder nor a clone URL.";
            return false;
        }
        if (token is not null)
        {
            error = "--token-env applies to clone URLs only.";
            return false;
        }
        var isRepository = Directory.Exists(Path.Combine(target, ".git")) || File.Exists(Path.Combine(target, "HEAD"));
        if (settings.Sha is null && settings.Ref is null)
        {
            // A folder (repository or not) is graded as it is, uncommitted changes included.
            source = new LocalFolderSubmission(target);
            return true;
        }
        if (!isRepository)
        {
            error = $"--sha and --ref need a git repository; {target} is a plain folder.";
            return false;
        }
        var revision = settings.Sha ?? settings.Ref!;
        if (!GitSubmissionCheckout.RevisionExists(target, revision))
        {
            error = $"{(settings.Sha is null ? "--ref" : "--sha")} {revision}: no such commit, branch or tag in {target}.";
            return false;
        }
        source = new LocalRepositorySubmission(target, revision);
        return true;
    }

    /// <summary>
    /// <c>grader grade</c>'s configuration (<see cref="GraderConfiguration"/>): its defaults, then <c>--config</c>'s file,
    /// then environment variables (<c>Grader__Runner__ReuseImages</c>), then <c>--set</c>'s flags.
    /// </summary>
    internal static IConfigurationRoot Configuration(GradeSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var cache = Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache", "grader");
        var defaults = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase)
        {
            // One stable id per machine so re-grades find the images they can reuse.
            [RunnerOptions.SectionName + ":" + nameof(RunnerOptions.RunnerId)] = "cli-" + Environment.MachineName.ToLowerInvariant(),
            [RunnerOptions.SectionName + ":" + nameof(RunnerOptions.WorkRoot)] = Path.Combine(cache, "work"),
            [RunnerOptions.SectionName + ":" + nameof(RunnerOptions.MirrorCache)] = Path.Combine(cache, "mirrors"),
        };
        return new ConfigurationBuilder().AddGraderSources(settings.ConfigFile, defaults, settings.Settings).Build();
    }

    /// <summary>What <c>grader grade</c> composes: the runner, and the evidence settings <c>--record</c> reads.</summary>
    internal static IServiceCollection Services(IConfiguration configuration) =>
        new ServiceCollection().AddGraderRunner(configuration).AddEvidenceOptions(configuration);

    private static ServiceProvider BuildServices(IConfiguration configuration) => Services(configuration).BuildServiceProvider();
}
