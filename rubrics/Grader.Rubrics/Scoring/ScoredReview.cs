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
public sealed record ScoredCriterion(
    Criterion Criterion,
    CriterionOutcome Outcome,
    double Points,
    string Feedback,
    CheckResult Result);

/// <summary>Evidence of a competency demonstrated at a level, earned from a met criterion.</summary>
public sealed record CompetencyEvidence(string CompetencyId, string CompetencyName, ProficiencyLevel Level, string CriterionId);

/// <summary>
/// The scoring engine's output: what the review, the check run, result.json and competency reports are made from.
/// </summary>
public sealed record ScoredReview
{
    public required Rubric Rubric { get; init; }
    public required IReadOnlyList<ScoredCriterion> Criteria { get; init; }

    /// <summary>Points earned, rounded to two decimals.</summary>
    public required double Points { get; init; }
    public required double MaxPoints { get; init; }

    /// <summary>Earned share of the points, 0..100, rounded to one decimal.</summary>
    public required double Percentage { get; init; }

    public required bool Passed { get; init; }

    /// <summary>True when a grader error kept at least one criterion from being graded: the verdict is not final.</summary>
    public required bool Incomplete { get; init; }

    public required IReadOnlyList<string> FailedGates { get; init; }
    public required IReadOnlyList<CompetencyEvidence> Evidence { get; init; }
    public required ReviewEvent Event { get; init; }

    /// <summary>One-line verdict, e.g. "Passed: 86/100 (86%)".</summary>
    public required string Summary { get; init; }
}
