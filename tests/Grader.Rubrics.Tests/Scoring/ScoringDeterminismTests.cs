using Grader.Rubrics.Model;
using Grader.Rubrics.Rendering;
using Grader.Rubrics.Results;
using Grader.Rubrics.Scoring;
using static Grader.Rubrics.Tests.Scoring.TestRubrics;

namespace Grader.Rubrics.Tests.Scoring;

public class ScoringDeterminismTests
{
    private static readonly Rubric Sample = Rubric(
        Criterion("a", 10, evidence: [new EvidenceSpec("automation", ProficiencyLevel.Working)]),
        Criterion("b", 20, credit: new LinearCredit(0.5, 1.0), evidence: [new EvidenceSpec("automation", ProficiencyLevel.Proficient)]),
        Criterion("c", 30, gate: true, evidence: [new EvidenceSpec("reliability", ProficiencyLevel.Expert)]),
        Criterion("d", 40, credit: new SteppedCredit([new CreditStep(0.9, 1), new CreditStep(0.5, 0.5)], true)));

    private static CheckResult[] Results() =>
    [
        Passed("a"),
        Failed("b", 0.8, "8 of 10"),
        Passed("c"),
        Failed("d", 0.6, "60%"),
    ];

    [Test]
    public void Score_SameInputTwice_GivesEqualReviewsAndIdenticalMarkdown()
    {
        var first = RubricScorer.Score(Sample, Results());
        var second = RubricScorer.Score(Sample, Results());

        Assert.Multiple(() =>
        {
            Assert.That(second.Points, Is.EqualTo(first.Points));
            Assert.That(second.Summary, Is.EqualTo(first.Summary));
            Assert.That(second.Criteria.Select(c => (c.Outcome, c.Points, c.Feedback)), Is.EqualTo(first.Criteria.Select(c => (c.Outcome, c.Points, c.Feedback))));
            Assert.That(MarkdownReviewRenderer.RenderReview(second), Is.EqualTo(MarkdownReviewRenderer.RenderReview(first)));
        });
    }

    [Test]
    public void Score_ResultsInAnyOrder_GivesTheSameReview()
    {
        var expected = MarkdownReviewRenderer.RenderReview(RubricScorer.Score(Sample, Results()));
        var results = Results();

        foreach (var permutation in Permutations(results))
        {
            var review = RubricScorer.Score(Sample, permutation);
            Assert.That(MarkdownReviewRenderer.RenderReview(review), Is.EqualTo(expected));
        }
    }

    private static IEnumerable<CheckResult[]> Permutations(CheckResult[] items)
    {
        if (items.Length <= 1)
        {
            yield return items;
            yield break;
        }
        for (var i = 0; i < items.Length; i++)
        {
            var rest = items.Where((_, j) => j != i).ToArray();
            foreach (var p in Permutations(rest)) yield return [items[i], .. p];
        }
    }
}
