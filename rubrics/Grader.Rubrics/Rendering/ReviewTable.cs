using System.Globalization;
using Grader.Rubrics.Results;
using Grader.Rubrics.Scoring;

namespace Grader.Rubrics.Rendering;

public enum Verdict
{
    Passed,
    Failed,
    Incomplete,
}

/// <summary>One criterion as a table row, in plain text (the caller escapes for its medium: Markdown, Spectre markup...).</summary>
public sealed record ReviewTableRow(
    string CriterionId,
    string Title,
    bool Gate,
    CriterionOutcome Outcome,
    string OutcomeLabel,
    string Value,
    string Points);

/// <summary>A scored review reduced to what a table shows: one verdict line and a row per criterion.</summary>
public sealed record ReviewTable(Verdict Verdict, string Heading, string Summary, IReadOnlyList<ReviewTableRow> Rows)
{
    public static ReviewTable From(ScoredReview review)
    {
        ArgumentNullException.ThrowIfNull(review);
        var rows = review.Criteria.Select(c => new ReviewTableRow(
            c.Criterion.Id,
            c.Criterion.Title,
            c.Criterion.Gate,
            c.Outcome,
            OutcomeText.Label(c),
            c.MeasuredValue ?? "—",
            OutcomeText.Points(c))).ToList();
        return new ReviewTable(VerdictOf(review), OutcomeText.Heading(review), review.Summary, rows);
    }

    public static Verdict VerdictOf(ScoredReview review) =>
        review.Incomplete ? Verdict.Incomplete : review.Passed ? Verdict.Passed : Verdict.Failed;
}

/// <summary>The words and symbols used for outcomes, shared by every renderer.</summary>
public static class OutcomeText
{
    public static string Label(ScoredCriterion c) => c.Outcome switch
    {
        CriterionOutcome.Met => "✅ Met",
        CriterionOutcome.Partial => "🟡 Partial",
        CriterionOutcome.NotMet when c.Result.Status == CheckStatus.NotRun => "❌ Not run",
        CriterionOutcome.NotMet => "❌ Not met",
        _ => "⚠️ Grader error",
    };

    public static string Points(ScoredCriterion c) => c.Outcome == CriterionOutcome.GraderError
        ? string.Create(CultureInfo.InvariantCulture, $"—/{c.MaxPoints:0.##}")
        : string.Create(CultureInfo.InvariantCulture, $"{c.Points:0.##}/{c.MaxPoints:0.##}");

    public static string Score(ScoredReview r) =>
        string.Create(CultureInfo.InvariantCulture, $"{r.Points:0.##}/{r.MaxPoints:0.##} ({r.Percentage:0.0}%)");

    /// <summary>The verdict line: "✅ Passed — 86/100 (86.0%)", "❌ Failed — ...", "⚠️ Incomplete — grader error".</summary>
    public static string Heading(ScoredReview r) => ReviewTable.VerdictOf(r) switch
    {
        Verdict.Passed => $"✅ Passed — {Score(r)}",
        Verdict.Failed => $"❌ Failed — {Score(r)}",
        _ => "⚠️ Incomplete — grader error",
    };
}
