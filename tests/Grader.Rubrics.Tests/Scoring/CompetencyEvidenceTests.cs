using Grader.Rubrics.Model;
using Grader.Rubrics.Scoring;
using static Grader.Rubrics.Tests.Scoring.TestRubrics;

namespace Grader.Rubrics.Tests.Scoring;

public class CompetencyEvidenceTests
{
    private static readonly Rubric Sample = Rubric(
        Criterion("w", 10, evidence: [new EvidenceSpec("automation", ProficiencyLevel.Working)]),
        Criterion("p1", 10, evidence: [new EvidenceSpec("automation", ProficiencyLevel.Proficient)]),
        Criterion("p2", 10, evidence: [new EvidenceSpec("automation", ProficiencyLevel.Proficient), new EvidenceSpec("reliability", ProficiencyLevel.Working)]),
        Criterion("e", 10, credit: new LinearCredit(0, 1), evidence: [new EvidenceSpec("reliability", ProficiencyLevel.Expert)]));

    [Test]
    public void Score_SeveralLevelsMet_KeepsHighestLevelWithEveryCriterionShowingIt()
    {
        var review = RubricScorer.Score(Sample, AllPassed(Sample));

        var automation = review.Evidence.Single(e => e.CompetencyId == "automation");
        Assert.Multiple(() =>
        {
            Assert.That(automation.Level, Is.EqualTo(ProficiencyLevel.Proficient));
            Assert.That(automation.CompetencyName, Is.EqualTo("Automation"));
            Assert.That(automation.CriterionIds, Is.EqualTo(new[] { "p1", "p2" }));
            Assert.That(automation.CriterionId, Is.EqualTo("p1"));
            Assert.That(review.Evidence.Select(e => e.CompetencyId), Is.EqualTo(new[] { "automation", "reliability" }));
        });
    }

    [Test]
    public void Score_PartialAndNotMetCriteria_GiveNoEvidence()
    {
        var review = RubricScorer.Score(Sample, [Passed("w"), Failed("p1"), Failed("p2"), Failed("e", 0.5)]);

        Assert.Multiple(() =>
        {
            Assert.That(review.Evidence, Has.Count.EqualTo(1));
            Assert.That(review.Evidence[0].CompetencyId, Is.EqualTo("automation"));
            Assert.That(review.Evidence[0].Level, Is.EqualTo(ProficiencyLevel.Working));
        });
    }

    [Test]
    public void Score_NothingMet_GivesNoEvidence()
    {
        var review = RubricScorer.Score(Sample, Sample.Criteria.Select(c => Failed(c.Id)).ToArray());

        Assert.That(review.Evidence, Is.Empty);
    }
}
