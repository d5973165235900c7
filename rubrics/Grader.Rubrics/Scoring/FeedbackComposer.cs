using System.Globalization;
using Grader.Rubrics.Model;
using Grader.Rubrics.Results;
using Grader.Rubrics.Text;

namespace Grader.Rubrics.Scoring;

/// <summary>Feedback text for a scored criterion: the rubric's template for the outcome, or a default, with placeholders filled.</summary>
internal static class FeedbackComposer
{
    internal const string GraderErrorNote = "This is the grader's fault, not counted against you; it will be re-graded.";

    /// <returns>The plain-text feedback and its Markdown form (values escaped, template kept).</returns>
    public static (string Plain, string Markdown) Compose(Criterion criterion, CheckResult result, CriterionOutcome outcome, double points)
    {
        var template = TemplateFor(criterion, result, outcome);
        var values = ValuesFor(criterion, result, points);
        var plain = PlaceholderText.Fill(template, values, static s => s);
        var markdown = PlaceholderText.Fill(template, values, EscapeValue);

        // The hint is the author's pointer to help (lab link, docs): useful whenever points were lost to the learner's work.
        if (outcome is CriterionOutcome.Partial or CriterionOutcome.NotMet && !string.IsNullOrWhiteSpace(criterion.Feedback.Hint))
        {
            plain += " " + PlaceholderText.Fill(criterion.Feedback.Hint, values, static s => s);
            markdown += " " + PlaceholderText.Fill(criterion.Feedback.Hint, values, EscapeValue);
        }
        return (plain.Trim(), markdown.Trim());
    }

    /// <summary>Values can carry learner output (a response body, an error): escaped and bounded so one value cannot flood the review.</summary>
    private static string EscapeValue(string value) => MarkdownText.Escape(value, MaxValueChars);

    internal const int MaxValueChars = 1000;

    private static string TemplateFor(Criterion criterion, CheckResult result, CriterionOutcome outcome)
    {
        var hasMessage = !string.IsNullOrWhiteSpace(result.Message);
        return (outcome, result.Status) switch
        {
            (CriterionOutcome.GraderError, _) =>
                (hasMessage ? "The grader could not check this: {message}. " : "The grader could not check this. ") + GraderErrorNote,
            // Templates describe a check that ran; a check that could not run (e.g. the image did not build) says why instead.
            (_, CheckStatus.NotRun) => hasMessage ? "Not run: {message}" : "Not run.",
            (CriterionOutcome.Met, _) => criterion.Feedback.Met ?? (hasMessage ? "{message}" : "Met."),
            (CriterionOutcome.Partial, _) => criterion.Feedback.Partial
                ?? (hasMessage ? "Partly met ({points} of {max_points} points): {message}" : "Partly met ({points} of {max_points} points)."),
            _ => criterion.Feedback.NotMet ?? (hasMessage ? "{message}" : "Not met."),
        };
    }

    /// <summary>The check's values plus built-ins (message, points, max_points) that the check does not define itself.</summary>
    private static Dictionary<string, string> ValuesFor(Criterion criterion, CheckResult result, double points)
    {
        var values = new Dictionary<string, string>(result.Values, StringComparer.Ordinal);
        values.TryAdd("message", TrimSentence(result.Message ?? ""));
        values.TryAdd("points", points.ToString("0.##", CultureInfo.InvariantCulture));
        values.TryAdd("max_points", criterion.Points.ToString("0.##", CultureInfo.InvariantCulture));
        return values;
    }

    // Templates add their own full stop after {message}.
    private static string TrimSentence(string message) => message.Trim().TrimEnd('.');
}
