using Grader.Rubrics.Model;
using Grader.Rubrics.Scoring;
using static Grader.Rubrics.Tests.Scoring.TestRubrics;

namespace Grader.Rubrics.Tests.Scoring;

public class PartialCreditScoringTests
{
    private static ScoredCriterion ScoreOne(CreditRule credit, Grader.Rubrics.Results.CheckResult result)
    {
        var rubric = Rubric(Criterion(result.CriterionId, 20, credit: credit));
        return RubricScorer.Score(rubric, [result]).Criteria[0];
    }

    [TestCase(0.79, CriterionOutcome.NotMet, 0)]
    [TestCase(0.8, CriterionOutcome.Met, 20)]
    [TestCase(0.95, CriterionOutcome.Met, 20)]
    public void Score_ThresholdHigherIsBetter_AllOrNothingAtThreshold(double measure, CriterionOutcome outcome, double points)
    {
        var scored = ScoreOne(new ThresholdCredit(0.8, HigherIsBetter: true), Failed("c", measure));

        Assert.Multiple(() =>
        {
            Assert.That(scored.Outcome, Is.EqualTo(outcome));
            Assert.That(scored.Points, Is.EqualTo(points));
        });
    }

    [Test]
    public void Score_ThresholdLowerIsBetterPassedButAbove_GivesNothing()
    {
        var scored = ScoreOne(new ThresholdCredit(200, HigherIsBetter: false), Passed("c", 250));

        Assert.That(scored.Outcome, Is.EqualTo(CriterionOutcome.NotMet));
    }

    [Test]
    public void Score_RequirementBesideTheMeasureFailed_NoCreditEvenWhenTheMeasureEarnsAll()
    {
        // Two of two tests passed (measure 1.0), but the rubric asks for at least three.
        var scored = ScoreOne(new ThresholdCredit(0.8, HigherIsBetter: true), Failed("c", 1.0) with { RequirementFailed = true });

        Assert.Multiple(() =>
        {
            Assert.That(scored.Outcome, Is.EqualTo(CriterionOutcome.NotMet));
            Assert.That(scored.Points, Is.Zero);
        });
    }

    [TestCase(0.5, 0)]
    [TestCase(0.75, 10)]
    [TestCase(0.9, 16)]
    [TestCase(1.2, 20)]
    [TestCase(0.1, 0)]
    public void Score_LinearUpwards_InterpolatesAndClamps(double measure, double points)
    {
        var scored = ScoreOne(new LinearCredit(Zero: 0.5, Full: 1.0), Failed("c", measure));

        Assert.That(scored.Points, Is.EqualTo(points).Within(1e-9));
    }

    [TestCase(500, 0, CriterionOutcome.NotMet)]
    [TestCase(350, 10, CriterionOutcome.Partial)]
    [TestCase(200, 20, CriterionOutcome.Met)]
    [TestCase(120, 20, CriterionOutcome.Met)]
    [TestCase(900, 0, CriterionOutcome.NotMet)]
    public void Score_LinearDownwards_LowerMeasureEarnsMore(double p95Ms, double points, CriterionOutcome outcome)
    {
        var scored = ScoreOne(new LinearCredit(Zero: 500, Full: 200), Failed("c", p95Ms));

        Assert.Multiple(() =>
        {
            Assert.That(scored.Points, Is.EqualTo(points).Within(1e-9));
            Assert.That(scored.Outcome, Is.EqualTo(outcome));
        });
    }

    [TestCase(0.95, 20)]
    [TestCase(0.75, 12)]
    [TestCase(0.55, 5)]
    [TestCase(0.4, 0)]
    public void Score_Stepped_BestStepReachedWins(double measure, double points)
    {
        var steps = new SteppedCredit([new CreditStep(0.5, 0.25), new CreditStep(0.9, 1.0), new CreditStep(0.7, 0.6)], HigherIsBetter: true);

        var scored = ScoreOne(steps, Failed("c", measure));

        Assert.That(scored.Points, Is.EqualTo(points).Within(1e-9));
    }

    [Test]
    public void Score_PassedWithCreditGivingLess_IsPartial()
    {
        var scored = ScoreOne(new LinearCredit(0.5, 1.0), Passed("c", 0.75));

        Assert.Multiple(() =>
        {
            Assert.That(scored.Outcome, Is.EqualTo(CriterionOutcome.Partial));
            Assert.That(scored.Points, Is.EqualTo(10));
            Assert.That(scored.Fraction, Is.EqualTo(0.5).Within(1e-12));
        });
    }

    [Test]
    public void Score_FailedWithCreditButNoMeasure_IsNotMet()
    {
        var scored = ScoreOne(new LinearCredit(0.5, 1.0), Failed("c"));

        Assert.That(scored.Outcome, Is.EqualTo(CriterionOutcome.NotMet));
    }

    [Test]
    public void Score_PassedWithNonFiniteMeasure_IgnoresCreditAndIsMet()
    {
        var scored = ScoreOne(new LinearCredit(0.5, 1.0), Passed("c", double.NaN));

        Assert.Multiple(() =>
        {
            Assert.That(scored.Outcome, Is.EqualTo(CriterionOutcome.Met));
            Assert.That(scored.Points, Is.EqualTo(20));
        });
    }

    [Test]
    public void Score_NoCreditRuleFailed_IsNotMetWithZeroPoints()
    {
        var rubric = Rubric(Criterion("c", 20));

        var scored = RubricScorer.Score(rubric, [Failed("c", 0.99)]).Criteria[0];

        Assert.Multiple(() =>
        {
            Assert.That(scored.Outcome, Is.EqualTo(CriterionOutcome.NotMet));
            Assert.That(scored.Points, Is.Zero);
        });
    }
}
