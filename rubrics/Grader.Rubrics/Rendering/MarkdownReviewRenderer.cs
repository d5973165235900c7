using System.Globalization;
using System.Text;
using Grader.Rubrics.Results;
using Grader.Rubrics.Scoring;
using Grader.Rubrics.Text;

namespace Grader.Rubrics.Rendering;

/// <summary>
/// Renders a scored review as GitHub Markdown: the PR review body, and a check run's summary and text.
/// Verdict first, then the criteria table, feedback for what was not met, grader errors, competency evidence and
/// collapsed log excerpts. Everything that came from the learner's code is escaped (<see cref="MarkdownText"/>).
/// </summary>
public static class MarkdownReviewRenderer
{
    /// <summary>GitHub's limit for a review body and for a check run's summary and text.</summary>
    public const int GitHubLimit = 65535;

    /// <summary>Detail lines shown per criterion; the rest are counted.</summary>
    internal const int MaxDetailLines = 30;
    internal const int MaxDetailLineChars = 300;

    /// <summary>Characters of one log excerpt shown; the end is kept, since that is where errors are.</summary>
    internal const int MaxLogChars = 8000;

    /// <summary>The pull request review body.</summary>
    /// <param name="evidenceUrl">Where the learner's competency evidence is shown (the evidence reports); linked from the competency section when given.</param>
    public static string RenderReview(ScoredReview review, int limit = GitHubLimit, Uri? evidenceUrl = null)
    {
        ArgumentNullException.ThrowIfNull(review);
        review = review.ForLearner();
        var doc = new BoundedMarkdown(limit, "the check run and result.json have the full report");
        AddVerdict(doc, review);
        AddTable(doc, review);
        AddBody(doc, review, evidenceUrl);
        return doc.Build();
    }

    /// <summary>The check run's output: the verdict and table as summary, the details as text.</summary>
    public static CheckRunOutput RenderCheckRun(ScoredReview review, int limit = GitHubLimit)
    {
        ArgumentNullException.ThrowIfNull(review);
        review = review.ForLearner();
        var summary = new BoundedMarkdown(limit, "result.json has the full report");
        AddVerdict(summary, review);
        AddTable(summary, review);

        var text = new BoundedMarkdown(limit, "result.json has the full report");
        AddBody(text, review);
        var title = OutcomeText.Heading(review);
        return new CheckRunOutput(title, summary.Build(), text.Build());
    }

    private static void AddVerdict(BoundedMarkdown doc, ScoredReview r)
    {
        doc.Add($"### {OutcomeText.Heading(r)}");
        var module = $"**{MarkdownText.Escape(r.Rubric.Module.Id)} · {MarkdownText.Escape(r.Rubric.Module.Title)}** — pass mark {Percent(r.Rubric.PassMark)}";
        if (r.Incomplete)
        {
            var n = r.GraderErrors.Count;
            // A count would include criteria the learner may not see: then no count at all.
            var kept = r.ConcealedGraderError ? "criteria" : $"{n} {(n == 1 ? "criterion" : "criteria")}";
            doc.Add($"{module}\n\nA grader error kept {kept} from being graded. " +
                    $"This is the grader's fault and is not counted against you; it will be re-graded. Score so far: {OutcomeText.Score(r)}.");
        }
        else if (r.FailedGates.Count > 0 || r.ConcealedGateFailed)
        {
            var titles = r.Criteria.Where(c => r.FailedGates.Contains(c.Criterion.Id)).Select(c => $"**{MarkdownText.Escape(c.Criterion.Title)}**").ToList();
            if (r.ConcealedGateFailed) titles.Add("a required criterion not shown here");
            doc.Add($"{module}\n\nRequired (gate) {(titles.Count == 1 ? "criterion" : "criteria")} not met: {string.Join(", ", titles)}. " +
                    "A required criterion must be met to pass, whatever the total.");
        }
        else
        {
            doc.Add(module);
        }
        // Grader-written text from validated rubric values (a time zone id, durations): no learner text in it.
        if (OutcomeText.LateWork(r) is { } late) doc.Add($"**Late work** — {late}");
    }

    private static void AddTable(BoundedMarkdown doc, ScoredReview r)
    {
        doc.Add("| Criterion | Outcome | Measured | Points |\n|---|---|---|---|");
        foreach (var row in ReviewTable.From(r).Rows)
        {
            var title = MarkdownText.Escape(row.Title) + (row.Gate ? " · _required_" : "");
            doc.Add($"| {title} | {row.OutcomeLabel} | {MarkdownText.Escape(row.Value, 80)} | {row.Points} |", "\n");
        }
        doc.Add($"| **Total** | | | **{r.Points.ToString("0.##", CultureInfo.InvariantCulture)}/{r.MaxPoints.ToString("0.##", CultureInfo.InvariantCulture)}** |", "\n");
        foreach (var note in OutcomeText.VisibilityNotes(r)) doc.Add($"_{MarkdownText.Escape(note)}_");
    }

    private static void AddBody(BoundedMarkdown doc, ScoredReview r, Uri? evidenceUrl = null)
    {
        var toImprove = r.Criteria.Where(c => c.Outcome is CriterionOutcome.NotMet or CriterionOutcome.Partial).ToList();
        if (toImprove.Count > 0)
        {
            doc.Add("#### What to improve");
            foreach (var c in toImprove) doc.Add(CriterionFeedback(c));
        }

        var errors = r.Criteria.Where(c => c.Outcome == CriterionOutcome.GraderError).ToList();
        if (errors.Count > 0)
        {
            doc.Add("#### ⚠️ Grader errors (not counted against you)");
            doc.Add("These criteria could not be graded because the grader failed, not because of your work. " +
                    "They are not counted against you; the submission will be re-graded.");
            foreach (var c in errors) doc.Add(CriterionFeedback(c));
        }

        if (r.Evidence.Count > 0)
        {
            var lines = r.Evidence.Select(e =>
                $"- **{MarkdownText.Escape(e.CompetencyName)}**: {e.Level} (shown by {string.Join(", ", e.CriterionIds.Select(TitleOf(r)))})");
            var link = evidenceUrl is { IsAbsoluteUri: true, Scheme: "https" or "http" }
                ? $"\n\n[All your competency evidence]({evidenceUrl.AbsoluteUri.Replace("(", "%28", StringComparison.Ordinal).Replace(")", "%29", StringComparison.Ordinal)})"
                : "";
            doc.Add("#### Competency evidence\n\n" + string.Join("\n", lines) + link);
        }

        var logs = r.Criteria.SelectMany(c => c.Result.Logs.Select(l => (c, l))).ToList();
        if (logs.Count > 0)
        {
            doc.Add("#### Logs");
            foreach (var (c, log) in logs) doc.Add(LogBlock(c, log));
        }
    }

    private static Func<string, string> TitleOf(ScoredReview r) => id =>
        MarkdownText.Escape(r.Criteria.FirstOrDefault(c => c.Criterion.Id == id)?.Criterion.Title ?? id);

    private static string CriterionFeedback(ScoredCriterion c)
    {
        var sb = new StringBuilder();
        sb.Append("**").Append(MarkdownText.Escape(c.Criterion.Title)).Append("** — ")
          .Append(OutcomeText.Label(c)).Append(" (").Append(OutcomeText.Points(c)).Append(")\n\n")
          .Append(c.FeedbackMarkdown);
        var details = c.Result.Details;
        if (details.Count > 0)
        {
            sb.Append('\n');
            foreach (var line in details.Take(MaxDetailLines))
                sb.Append("\n- ").Append(MarkdownText.Escape(line, MaxDetailLineChars));
            if (details.Count > MaxDetailLines)
                sb.Append("\n- _… and ").Append(details.Count - MaxDetailLines).Append(" more_");
        }
        return sb.ToString();
    }

    private static string LogBlock(ScoredCriterion c, LogExcerpt log)
    {
        var text = log.Text ?? "";
        var note = log.Truncated ? " (excerpt)" : "";
        if (text.Length > MaxLogChars)
        {
            var cut = text.Length - MaxLogChars;
            text = $"… {cut} earlier characters cut …\n" + text[cut..];
            note = " (excerpt)";
        }
        return $"<details><summary>{MarkdownText.EscapeHtml(log.Title)} — {MarkdownText.EscapeHtml(c.Criterion.Title)}{note}</summary>\n\n" +
               MarkdownText.CodeBlock(text, "text") +
               "\n\n</details>";
    }

    private static string Percent(double fraction) =>
        string.Create(CultureInfo.InvariantCulture, $"{fraction * 100:0.#}%");
}
