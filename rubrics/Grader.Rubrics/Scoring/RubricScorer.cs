using System.Globalization;
using Grader.Rubrics.Model;
using Grader.Rubrics.Results;

namespace Grader.Rubrics.Scoring;

/// <summary>
/// Scores a rubric from the runner's check results. Pure and deterministic: the same rubric and the same set of results
/// give the same review whatever order the results come in. The rules are documented in rubrics/README.md.
/// </summary>
public static class RubricScorer
{
    internal const string NoResultMessage = "no result from the runner";

    /// <exception cref="ArgumentException">Two results for the same criterion (contradictory input: a grader bug).</exception>
    public static ScoredReview Score(Rubric rubric, IReadOnlyList<CheckResult> results) => Score(rubric, results, context: null);

    /// <summary>
    /// Scores with the submission's time and the module's publication state: a late penalty from the rubric's deadline
    /// (when <see cref="SubmissionContext.SubmittedAt"/> is known) and which criteria the learner may see.
    /// </summary>
    /// <param name="context">Null: no late penalty, and only <c>visible</c> criteria are shown.</param>
    /// <exception cref="ArgumentException">Two results for the same criterion (contradictory input: a grader bug).</exception>
    public static ScoredReview Score(Rubric rubric, IReadOnlyList<CheckResult> results, SubmissionContext? context)
    {
        ArgumentNullException.ThrowIfNull(rubric);
        ArgumentNullException.ThrowIfNull(results);

        var byId = IndexResults(results);
        var known = rubric.Criteria.Select(c => c.Id).ToHashSet(StringComparer.Ordinal);
        var ignored = byId.Keys.Where(id => !known.Contains(id)).Order(StringComparer.Ordinal).ToList();

        var scored = rubric.Criteria
            .Select(c => ScoreCriterion(c, byId.GetValueOrDefault(c.Id) ?? CheckResult.GraderError(c.Id, NoResultMessage))
                with { Shown = SubmissionContext.IsShown(c, rubric, context) })
            .ToList();

        var raw = scored.Sum(s => s.Fraction * s.Criterion.Points);
        var late = rubric.Deadline is { } deadline && context?.SubmittedAt is { } submittedAt
            ? deadline.Assess(submittedAt, context.Extension)
            : null;
        // After the hard close nothing should have been graded (Deadline.IsClosedAt is checked first); if it was, it earns nothing.
        var penalty = late is null ? 0 : late.Status == LateStatus.Closed ? 1 : late.Penalty;
        var earned = raw * (1 - penalty);
        var max = rubric.MaxPoints;
        var fraction = max > 0 ? earned / max : 0;
        var reachedPassMark = max > 0 && ScoreRounding.Reaches(fraction, rubric.PassMark);

        var failedGates = scored
            .Where(s => s.Criterion.Gate && s.Outcome is CriterionOutcome.NotMet or CriterionOutcome.Partial)
            .Select(s => s.Criterion.Id)
            .ToList();
        var graderErrors = scored.Where(s => s.Outcome == CriterionOutcome.GraderError).Select(s => s.Criterion.Id).ToList();
        var incomplete = graderErrors.Count > 0;
        var passed = !incomplete && failedGates.Count == 0 && reachedPassMark;

        var review = new ScoredReview
        {
            Rubric = rubric,
            Criteria = scored,
            Points = ScoreRounding.Points(earned),
            RawPoints = ScoreRounding.Points(raw),
            LateWork = late,
            IncludesHiddenCriteria = scored.Any(s => s.Criterion.Visibility == CriterionVisibility.Hidden),
            MaxPoints = ScoreRounding.Points(max),
            Percentage = ScoreRounding.Percentage(fraction, rubric.PassMark, reachedPassMark),
            Passed = passed,
            Incomplete = incomplete,
            FailedGates = failedGates,
            GraderErrors = graderErrors,
            IgnoredResultIds = ignored,
            Evidence = EvidenceCollector.Collect(rubric, scored),
            Event = ChooseEvent(rubric.Review, passed, incomplete, failedGates.Count > 0),
            Summary = "",
        };
        return Conceal(review);
    }

    /// <summary>
    /// The same scores shown as of another moment (the due date passed, the results were published): which criteria the
    /// learner may see is decided again from <paramref name="context"/>, nothing is graded or scored again. Takes the
    /// full review (not <see cref="ScoredReview.ForLearner"/>'s view, which has lost the concealed criteria).
    /// </summary>
    public static ScoredReview WithVisibility(ScoredReview full, SubmissionContext? context)
    {
        ArgumentNullException.ThrowIfNull(full);
        if (full.IsLearnerView) throw new ArgumentException("The learner's view has lost its concealed criteria; pass the full review.", nameof(full));
        return Conceal(full with
        {
            Criteria = full.Criteria.Select(c => c with { Shown = SubmissionContext.IsShown(c.Criterion, full.Rubric, context) }).ToList(),
        });
    }

    /// <summary>What follows from which criteria are shown: what the review says is pending or concealed, and its summary.</summary>
    private static ScoredReview Conceal(ScoredReview review)
    {
        var scored = review.Criteria;
        var concealed = review with
        {
            PendingVisibility = scored.Where(s => !s.Shown && s.Criterion.Visibility != CriterionVisibility.Hidden)
                .Select(s => s.Criterion.Visibility).Distinct().Order().ToList(),
            ConcealedGateFailed = scored.Any(s => !s.Shown && review.FailedGates.Contains(s.Criterion.Id)),
            ConcealedGraderError = scored.Any(s => !s.Shown && s.Outcome == CriterionOutcome.GraderError),
        };
        return concealed with { Summary = Summarize(concealed) };
    }

    private static Dictionary<string, CheckResult> IndexResults(IReadOnlyList<CheckResult> results)
    {
        var byId = new Dictionary<string, CheckResult>(StringComparer.Ordinal);
        foreach (var result in results)
        {
            ArgumentNullException.ThrowIfNull(result, nameof(results));
            if (!byId.TryAdd(result.CriterionId, result))
                throw new ArgumentException($"Two results for criterion '{result.CriterionId}'; the runner must report each criterion once.", nameof(results));
        }
        return byId;
    }

    internal static ScoredCriterion ScoreCriterion(Criterion criterion, CheckResult result)
    {
        var fraction = result.Status switch
        {
            CheckStatus.Passed or CheckStatus.Failed => CreditFraction(criterion, result),
            _ => 0,
        };
        var outcome = result.Status switch
        {
            CheckStatus.GraderError => CriterionOutcome.GraderError,
            CheckStatus.NotRun => CriterionOutcome.NotMet,
            _ => fraction >= 1 ? CriterionOutcome.Met : fraction <= 0 ? CriterionOutcome.NotMet : CriterionOutcome.Partial,
        };
        var points = ScoreRounding.Points(fraction * criterion.Points);
        var (plain, markdown) = FeedbackComposer.Compose(criterion, result, outcome, points);
        return new ScoredCriterion(criterion, outcome, points, plain, result)
        {
            FeedbackMarkdown = markdown,
            MeasuredValue = MeasuredValueText.For(criterion.Check, result),
            Fraction = fraction,
        };
    }

    /// <summary>
    /// With a credit rule and a measure, the rule decides the share for passed and failed checks alike (it is the
    /// author's explicit statement of what earns what), unless the check failed a requirement beside its measure.
    /// Without one, a pass earns everything and a failure nothing.
    /// </summary>
    private static double CreditFraction(Criterion criterion, CheckResult result)
    {
        if (result.Status == CheckStatus.Failed && result.RequirementFailed) return 0;
        if (criterion.Credit is { } credit && result.Measure is { } measure && double.IsFinite(measure))
        {
            var f = credit.Fraction(measure);
            return double.IsFinite(f) ? Math.Clamp(f, 0, 1) : 0;
        }
        return result.Status == CheckStatus.Passed ? 1 : 0;
    }

    private static ReviewEvent ChooseEvent(ReviewPolicy policy, bool passed, bool incomplete, bool gateFailed)
    {
        if (incomplete)
        {
            // Never block a learner's pull request on a grader fault, whatever the rubric says.
            return policy.OnIncomplete == ReviewEvent.RequestChanges ? ReviewEvent.Comment : policy.OnIncomplete;
        }
        if (passed) return policy.OnPass;
        return gateFailed ? policy.OnGateFailure ?? policy.OnFail : policy.OnFail;
    }

    /// <summary>The one-line verdict. It names only criteria the learner may see: it goes to reviews, logs and result.json.</summary>
    private static string Summarize(ScoredReview full)
    {
        var review = full.ForLearner();
        var score = string.Create(CultureInfo.InvariantCulture,
            $"{review.Points:0.##}/{review.MaxPoints:0.##} ({review.Percentage:0.0}%)") + LateNote(review);
        if (review.Incomplete)
        {
            var n = review.GraderErrors.Count;
            var kept = review.ConcealedGraderError ? "criteria" : $"{n} {(n == 1 ? "criterion" : "criteria")}";
            return $"Incomplete: a grader error kept {kept} from being graded " +
                   $"(not counted against you; it will be re-graded). {score} so far.";
        }
        if (review.LateWork is { Status: LateStatus.Closed } closed) return closed.Explanation;
        if (review.Passed) return $"Passed: {score}";
        var passMark = string.Create(CultureInfo.InvariantCulture, $"{review.Rubric.PassMark * 100:0.#}%");
        if (review.FailedGates.Count > 0 || review.ConcealedGateFailed)
        {
            var titles = review.Criteria.Where(c => review.FailedGates.Contains(c.Criterion.Id)).Select(c => c.Criterion.Title).ToList();
            if (review.ConcealedGateFailed) titles.Add("a required criterion not shown here");
            var plural = titles.Count == 1 ? "criterion" : "criteria";
            return $"Failed: required {plural} not met ({string.Join("; ", titles)}). {score}";
        }
        return $"Failed: {score}, below the {passMark} pass mark.";
    }

    private static string LateNote(ScoredReview review) => review.LateWork switch
    {
        { Status: LateStatus.NotAccepted } => string.Create(CultureInfo.InvariantCulture, $" (late work is not accepted; raw score {review.RawPoints:0.##})"),
        { Status: LateStatus.Late, Penalty: > 0 } late => string.Create(CultureInfo.InvariantCulture,
            $" after a {late.Penalty * 100:0.##}% late penalty (raw score {review.RawPoints:0.##})"),
        _ => "",
    };
}
