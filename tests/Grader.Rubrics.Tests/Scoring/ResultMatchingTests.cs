using Grader.Rubrics.Scoring;
using static Grader.Rubrics.Tests.Scoring.TestRubrics;

namespace Grader.Rubrics.Tests.Scoring;

public class ResultMatchingTests
{
    [Test]
    public void Score_ResultForUnknownCriterion_IsIgnoredAndReported()
    {
        var rubric = Rubric(Criterion("a", 10));

        var review = RubricScorer.Score(rubric, [Passed("a"), Failed("zz-unknown")]);

        Assert.Multiple(() =>
        {
            Assert.That(review.Passed, Is.True);
            Assert.That(review.Criteria, Has.Count.EqualTo(1));
            Assert.That(review.IgnoredResultIds, Is.EqualTo(new[] { "zz-unknown" }));
        });
    }

    [Test]
    public void Score_TwoResultsForOneCriterion_ThrowsNamingIt()
    {
        var rubric = Rubric(Criterion("a", 10));

        var ex = Assert.Throws<ArgumentException>(() => RubricScorer.Score(rubric, [Passed("a"), Failed("a")]));

        Assert.That(ex!.Message, Does.Contain("'a'"));
    }

    [Test]
    public void Score_CriteriaOrder_FollowsRubricNotResults()
    {
        var rubric = Rubric(Criterion("a", 10), Criterion("b", 10), Criterion("c", 10));

        var review = RubricScorer.Score(rubric, [Passed("c"), Passed("a"), Passed("b")]);

        Assert.That(review.Criteria.Select(c => c.Criterion.Id), Is.EqualTo(new[] { "a", "b", "c" }));
    }
}
