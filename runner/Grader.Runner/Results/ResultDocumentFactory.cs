using System.Text.RegularExpressions;
using Grader.Rubrics.Model;
using Grader.Rubrics.Scoring;
using Grader.Runner.Checkout;
using Grader.Runner.Pipeline;

namespace Grader.Runner.Results;

/// <summary>Turns a finished <see cref="GradingRun"/> into its result.json document.</summary>
public static partial class ResultDocumentFactory
{
    public static ResultDocument Create(GradingRun run)
    {
        ArgumentNullException.ThrowIfNull(run);
        var review = run.Review;
        return new ResultDocument
        {
            RunnerId = run.RunnerId,
            JobId = run.Request.JobId,
            StartedAt = run.StartedAt,
            FinishedAt = run.FinishedAt,
            Submission = new SubmissionInfo(run.Request.Submission.Describe(), KindOf(run.Request.Submission), run.CommitSha),
            Rubric = new RubricInfo(review.Rubric.Module.Id, review.Rubric.Module.Title, run.Request.RubricFile),
            Verdict = new VerdictInfo(
                review.Passed, review.Incomplete, review.Points, review.MaxPoints, review.Percentage,
                EventName(review.Event), review.Summary, review.FailedGates),
            Criteria = review.Criteria.Select(ToInfo).ToList(),
            Evidence = review.Evidence.Select(e => new EvidenceInfo(e.CompetencyId, e.CompetencyName, e.Level.ToString(), e.CriterionId)).ToList(),
            Steps = run.Steps.Select(s => new StepInfo(s.Step, SnakeCase(s.Status.ToString()), s.StartedAt, Math.Round(s.Duration.TotalMilliseconds, 1), s.Message)).ToList(),
            GraderErrors = run.GraderErrors.Select(e => new GraderErrorInfo(e.Step, e.Message, e.CriterionId)).ToList(),
        };
    }

    public static string EventName(ReviewEvent reviewEvent) => SnakeCase(reviewEvent.ToString());

    public static string OutcomeName(CriterionOutcome outcome) => SnakeCase(outcome.ToString());

    private static CriterionInfo ToInfo(ScoredCriterion scored)
    {
        var result = scored.Result;
        return new CriterionInfo
        {
            Id = scored.Criterion.Id,
            Title = scored.Criterion.Title,
            Check = scored.Criterion.Check.Kind,
            Outcome = OutcomeName(scored.Outcome),
            Status = SnakeCase(result.Status.ToString()),
            Points = scored.Points,
            Max = scored.Criterion.Points,
            Gate = scored.Criterion.Gate,
            Measure = result.Measure is double m && double.IsFinite(m) ? m : null,
            Values = result.Values,
            Message = result.Message,
            Feedback = scored.Feedback,
            Details = result.Details,
            Annotations = result.Annotations
                .Select(a => new AnnotationInfo(a.Path, a.StartLine, a.EndLine, SnakeCase(a.Level.ToString()), a.Message, a.Title))
                .ToList(),
            DurationMs = Math.Round(result.Duration.TotalMilliseconds, 1),
        };
    }

    private static string KindOf(SubmissionSource source) => source switch
    {
        LocalFolderSubmission => "folder",
        LocalRepositorySubmission => "repository",
        RemoteRepositorySubmission => "remote",
        _ => "unknown",
    };

    [GeneratedRegex("(?<=[a-z0-9])([A-Z])")]
    private static partial Regex WordBoundary();

    internal static string SnakeCase(string pascal) => WordBoundary().Replace(pascal, "_$1").ToLowerInvariant();
}
