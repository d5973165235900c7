using System.Globalization;
using Grader.Rubrics.Rendering;
using Grader.Rubrics.Scoring;
using Grader.Runner.Pipeline;
using Spectre.Console;

namespace Grader.Cli.Commands;

/// <summary>Live progress per step: a Spectre status line on a terminal, plain lines when output is redirected.</summary>
internal static class GradeProgressView
{
    public static async Task<GradingRun> RunAsync(IAnsiConsole console, Func<IProgress<GradingProgress>, Task<GradingRun>> grade)
    {
        var stopwatch = System.Diagnostics.Stopwatch.StartNew();
        if (!console.Profile.Capabilities.Interactive || Console.IsOutputRedirected)
        {
            return await grade(new Reporter(e => console.WriteLine(PlainLine(e, stopwatch.Elapsed)))).ConfigureAwait(false);
        }
        return await console.Status().Spinner(Spinner.Known.Dots).StartAsync("starting", async context =>
        {
            var reporter = new Reporter(e =>
            {
                if (e.Status is StepStatus.Started or StepStatus.Running)
                {
                    context.Status(Markup.Escape($"{e.Step}{(e.Message is null ? "" : ": " + Shorten(e.Message))}"));
                    return;
                }
                console.MarkupLine($"{Symbol(e.Status)} {Markup.Escape(e.Step)} [grey]{Seconds(e.Elapsed)}[/]{(e.Message is null ? "" : " " + Markup.Escape(Shorten(e.Message)))}");
            });
            return await grade(reporter).ConfigureAwait(false);
        }).ConfigureAwait(false);
    }

    internal static string PlainLine(GradingProgress e, TimeSpan total) => string.Create(CultureInfo.InvariantCulture,
        $"[{total.TotalSeconds,6:0.0}s] {e.Step}: {e.Status.ToString().ToLowerInvariant()}{(e.Status is StepStatus.Started or StepStatus.Running ? "" : " in " + Seconds(e.Elapsed))}{(e.Message is null ? "" : " - " + Shorten(e.Message))}");

    private static string Seconds(TimeSpan t) => string.Create(CultureInfo.InvariantCulture, $"{t.TotalSeconds:0.0}s");

    private static string Shorten(string text)
    {
        var line = text.ReplaceLineEndings(" ").Trim();
        return line.Length > 100 ? line[..100] + "…" : line;
    }

    private static string Symbol(StepStatus status) => status switch
    {
        StepStatus.Succeeded => "[green]✔[/]",
        StepStatus.Failed => "[red]✘[/]",
        StepStatus.GraderError => "[yellow]⚠[/]",
        StepStatus.Skipped => "[grey]–[/]",
        _ => "[grey]·[/]",
    };

    /// <summary>Reports on the caller's thread, in order.</summary>
    private sealed class Reporter(Action<GradingProgress> report) : IProgress<GradingProgress>
    {
        private readonly Lock _gate = new();

        public void Report(GradingProgress value)
        {
            lock (_gate) report(value);
        }
    }
}

/// <summary>The rubric table and verdict after grading.</summary>
internal static class GradeReportView
{
    public static void Write(IAnsiConsole console, GradingRun run)
    {
        var table = ReviewTable.From(run.Review);
        var view = new Table().Border(TableBorder.Rounded).Title(Markup.Escape(table.Heading));
        view.AddColumn("Criterion");
        view.AddColumn("Outcome");
        view.AddColumn("Measured");
        view.AddColumn(new TableColumn("Points").RightAligned());
        foreach (var row in table.Rows)
        {
            view.AddRow(
                new Markup(Markup.Escape(row.Title) + (row.Gate ? " [grey](gate)[/]" : "")),
                new Markup($"[{Color(row.Outcome)}]{Markup.Escape(row.OutcomeLabel)}[/]"),
                new Text(row.Value),
                new Text(row.Points));
        }
        console.Write(view);
        foreach (var note in table.Notes) console.MarkupLine($"[grey]{Markup.Escape(note)}[/]");
        foreach (var criterion in run.Review.ForLearner().Criteria.Where(c => c.Outcome != CriterionOutcome.Met && c.Feedback.Length > 0))
        {
            console.MarkupLine($"[bold]{Markup.Escape(criterion.Criterion.Title)}[/]: {Markup.Escape(criterion.Feedback)}");
        }
        var colour = table.Verdict switch { Verdict.Passed => "green", Verdict.Failed => "red", _ => "yellow" };
        console.MarkupLine($"[bold {colour}]{Markup.Escape(table.Summary)}[/]");
    }

    private static string Color(CriterionOutcome outcome) => outcome switch
    {
        CriterionOutcome.Met => "green",
        CriterionOutcome.Partial => "yellow",
        CriterionOutcome.GraderError => "yellow",
        _ => "red",
    };
}
