using Grader.Rubrics.Model;
using Grader.Rubrics.Results;

namespace Grader.Rubrics.Scoring;

public enum CriterionOutcome
{
    Met,
    Partial,
    NotMet,
    /// <summary>Not graded because the grader failed; excluded from pass/fail judgement and marked incomplete.</summary>
    GraderError,
}

/// <summary>The scored result of one criterion.</summary>
/// <param name="Points">Points earned, rounded half away from zero to two decimals.</param>
/// <param name="Feedback">Plain-text feedback (check values inserted as they are): for terminals, logs and result.json.</param>
public sealed record ScoredCriterion(
    Criterion Criterion,
    CriterionOutcome Outcome,
    double Points,
    string Feedback,
    CheckResult Result)
{
    /// <summary>
    /// The same feedback as Markdown: the rubric author's template text is kept as written (it may hold links or code),
    /// the check's values and message (which can carry learner-controlled text) are escaped.
    /// </summary>
    public string FeedbackMarkdown { get; init; } = "";

    /// <summary>Short human text of what was measured, e.g. "1.21 GB", "9/10 passed", "p95 180ms"; null when nothing was measured.</summary>
    public string? MeasuredValue { get; init; }

    /// <summary>Share of the criterion's points earned, unrounded, 0..1.</summary>
    public double Fraction { get; init; }

    public double MaxPoints => Criterion.Points;

    /// <summary>Whether the learner may see this criterion now (its visibility); it counts toward the score either way.</summary>
    public bool Shown { get; init; } = true;
}

/// <summary>Evidence of a competency demonstrated at a level, earned from met criteria.</summary>
/// <param name="CriterionId">The first criterion (in rubric order) that showed the level.</param>
public sealed record CompetencyEvidence(string CompetencyId, string CompetencyName, ProficiencyLevel Level, string CriterionId)
{
    /// <summary>Every met criterion that showed <see cref="Level"/>, in rubric order.</summary>
    public IReadOnlyList<string> CriterionIds { get; init; } = [CriterionId];
}

/// <summary>
/// The scoring engine's output: what the review, the check run, result.json and competency reports are made from.
/// </summary>
public sealed record ScoredReview
{
    public required Rubric Rubric { get; init; }
    public required IReadOnlyList<ScoredCriterion> Criteria { get; init; }

    /// <summary>Points earned after any late penalty (the final score), rounded to two decimals.</summary>
    public required double Points { get; init; }
    public required double MaxPoints { get; init; }

    /// <summary>Earned share of the points, 0..100, rounded to one decimal (never shown at the pass mark when the unrounded share is below it).</summary>
    public required double Percentage { get; init; }

    public required bool Passed { get; init; }

    /// <summary>True when a grader error kept at least one criterion from being graded: the verdict is not final.</summary>
    public required bool Incomplete { get; init; }

    public required IReadOnlyList<string> FailedGates { get; init; }
    public required IReadOnlyList<CompetencyEvidence> Evidence { get; init; }
    public required ReviewEvent Event { get; init; }

    /// <summary>One-line verdict, e.g. "Passed: 86/100 (86%)".</summary>
    public required string Summary { get; init; }

    /// <summary>Criteria the grader could not grade (grader errors), in rubric order.</summary>
    public IReadOnlyList<string> GraderErrors { get; init; } = [];

    /// <summary>Results whose criterion id the rubric does not have; they were not scored.</summary>
    public IReadOnlyList<string> IgnoredResultIds { get; init; } = [];

    /// <summary>Points earned before any late penalty, rounded to two decimals (equal to <see cref="Points"/> without one).</summary>
    public double RawPoints { get; init; }

    /// <summary>Points the late penalty took: <see cref="RawPoints"/> - <see cref="Points"/>.</summary>
    public double PenaltyPoints => Math.Round(RawPoints - Points, 2, MidpointRounding.AwayFromZero);

    /// <summary>How the submission stood against the rubric's deadline; null when there is no deadline or no submission time.</summary>
    public LateWorkAssessment? LateWork { get; init; }

    /// <summary>Criteria counted but not shown yet (after_due_date, after_published), by what shows them; empty when none.</summary>
    public IReadOnlyList<CriterionVisibility> PendingVisibility { get; init; } = [];

    /// <summary>Whether the total includes <c>hidden</c> criteria, which are never shown to learners.</summary>
    public bool IncludesHiddenCriteria { get; init; }

    /// <summary>A required criterion that is not shown was not met (the learner view says so without naming it).</summary>
    public bool ConcealedGateFailed { get; init; }

    /// <summary>A criterion that is not shown had a grader error.</summary>
    public bool ConcealedGraderError { get; init; }

    /// <summary>Whether this is <see cref="ForLearner"/>'s view: only criteria the learner may see.</summary>
    public bool IsLearnerView { get; init; }

    /// <summary>
    /// What a learner may see: criteria that are not shown yet (or never) are removed with everything that names them
    /// (gates, grader errors, evidence, the rubric's own list); the score and verdict still count them. Every learner-facing
    /// renderer goes through this, so nothing about a concealed criterion can reach a review, a check run or result.json.
    /// </summary>
    public ScoredReview ForLearner()
    {
        if (IsLearnerView) return this;
        var shown = Criteria.Where(c => c.Shown).ToList();
        if (shown.Count == Criteria.Count) return this with { IsLearnerView = true };
        var ids = shown.Select(c => c.Criterion.Id).ToHashSet(StringComparer.Ordinal);
        var rubric = Rubric with { Criteria = shown.Select(c => c.Criterion).ToList() };
        return this with
        {
            Rubric = rubric,
            Criteria = shown,
            FailedGates = FailedGates.Where(ids.Contains).ToList(),
            GraderErrors = GraderErrors.Where(ids.Contains).ToList(),
            Evidence = EvidenceCollector.Collect(rubric, shown),
            IsLearnerView = true,
        };
    }
}
