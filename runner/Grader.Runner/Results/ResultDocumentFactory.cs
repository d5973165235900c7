using System.Text.RegularExpressions;
using Grader.Rubrics.Model;
using Grader.Rubrics.Rendering;
using Grader.Rubrics.Scoring;
using Grader.Runner.Checkout;
using Grader.Runner.Pipeline;

namespace Grader.Runner.Results;

/// <summary>Turns a finished <see cref="GradingRun"/> into its result.json document.</summary>
public static partial class ResultDocumentFactory
{
    /// <summary>The learner's result.json: criteria they may not see yet (or never) are left out, with their steps and grader errors.</summary>
    public static ResultDocument Create(GradingRun run) => Create(run, includeConcealed: false);

    /// <param name="includeConcealed">
    /// True for instructor exports: every criterion, whatever its visibility. False for anything a learner can read
    /// (the CLI's and the Action's result.json).
    /// </param>
    public static ResultDocument Create(GradingRun run, bool includeConcealed)
    {
        ArgumentNullException.ThrowIfNull(run);
        var review = includeConcealed ? run.Review : run.Review.ForLearner();
        var concealed = run.Review.Criteria.Select(c => c.Criterion.Id)
            .Except(review.Criteria.Select(c => c.Criterion.Id), StringComparer.Ordinal)
            .ToHashSet(StringComparer.Ordinal);
        var concealedSteps = concealed.Select(GradingSteps.Check).ToHashSet(StringComparer.Ordinal);
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
            Steps = run.Steps.Where(s => !concealedSteps.Contains(s.Step)).Select(s => new StepInfo(s.Step, SnakeCase(s.Status.ToString()), s.StartedAt, Math.Round(s.Duration.TotalMilliseconds, 1), s.Message)).ToList(),
            GraderErrors = run.GraderErrors.Where(e => !concealedSteps.Contains(e.Step) && (e.CriterionId is null || !concealed.Contains(e.CriterionId))).Select(e => new GraderErrorInfo(e.Step, e.Message, e.CriterionId)).ToList(),
            LateWork = review.LateWork is { } late
                ? new LateWorkInfo(SnakeCase(late.Status.ToString()), late.SubmittedAt, late.Due, late.Close, Math.Round(late.LateBy.TotalMinutes, 1),
                    late.Units, late.Penalty, review.RawPoints, review.PenaltyPoints, review.Points, late.Explanation)
                : null,
            Notes = !includeConcealed && OutcomeText.VisibilityNotes(review) is { Count: > 0 } notes ? notes : null,
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
