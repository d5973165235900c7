using System.Globalization;
using Grader.Rubrics.Model;
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
/// <remarks>Only criteria the learner may see have rows (<see cref="ScoredReview.ForLearner"/>).</remarks>
public sealed record ReviewTable(Verdict Verdict, string Heading, string Summary, IReadOnlyList<ReviewTableRow> Rows)
{
    /// <summary>Lines shown under the table: the late-work explanation and that more criteria are counted than shown.</summary>
    public IReadOnlyList<string> Notes { get; init; } = [];

    public static ReviewTable From(ScoredReview review)
    {
        ArgumentNullException.ThrowIfNull(review);
        review = review.ForLearner();
        var rows = review.Criteria.Select(c => new ReviewTableRow(
            c.Criterion.Id,
            c.Criterion.Title,
            c.Criterion.Gate,
            c.Outcome,
            OutcomeText.Label(c),
            c.MeasuredValue ?? "—",
            OutcomeText.Points(c))).ToList();
        var notes = new List<string>();
        if (OutcomeText.LateWork(review) is { } late) notes.Add(late);
        notes.AddRange(OutcomeText.VisibilityNotes(review));
        return new ReviewTable(VerdictOf(review), OutcomeText.Heading(review), review.Summary, rows) { Notes = notes };
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

    /// <summary>
    /// Raw score, penalty, final score and why, for a submission after the due date; the explanation alone within the
    /// grace period; null when on time or without a deadline.
    /// </summary>
    public static string? LateWork(ScoredReview r)
    {
        ArgumentNullException.ThrowIfNull(r);
        return r.LateWork switch
        {
            null or { Status: LateStatus.OnTime } => null,
            { Status: LateStatus.WithinGrace or LateStatus.Closed } late => late.Explanation,
            var late => string.Create(CultureInfo.InvariantCulture,
                $"raw score {r.RawPoints:0.##}/{r.MaxPoints:0.##}, late penalty −{r.PenaltyPoints:0.##} ({late.Penalty * 100:0.##}%), final score {r.Points:0.##}/{r.MaxPoints:0.##}. {late.Explanation}"),
        };
    }

    /// <summary>
    /// What the learner is told about criteria that are counted but not shown: one sentence for those shown later,
    /// one for instructor-only ones. Never names or counts them.
    /// </summary>
    public static IReadOnlyList<string> VisibilityNotes(ScoredReview r)
    {
        ArgumentNullException.ThrowIfNull(r);
        var notes = new List<string>();
        if (r.PendingVisibility.Count > 0)
        {
            var when = string.Join(" or ", r.PendingVisibility.Select(v => v == CriterionVisibility.AfterDueDate ? "after the due date" : "when the results are published"));
            notes.Add($"More criteria will be graded and shown {when}; they already count in the total.");
        }
        if (r.IncludesHiddenCriteria) notes.Add("The total includes instructor-only criteria that are not shown.");
        return notes;
    }

    /// <summary>The verdict line: "✅ Passed — 86/100 (86.0%)", "❌ Failed — ...", "⚠️ Incomplete — grader error".</summary>
    public static string Heading(ScoredReview r) => ReviewTable.VerdictOf(r) switch
    {
        Verdict.Passed => $"✅ Passed — {Score(r)}",
        Verdict.Failed => $"❌ Failed — {Score(r)}",
        _ => "⚠️ Incomplete — grader error",
    };
}
