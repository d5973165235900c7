using Grader.Rubrics.Model;
using Grader.Rubrics.Scoring;
using static Grader.Rubrics.Tests.Scoring.TestRubrics;

namespace Grader.Rubrics.Tests.Scoring;

public class ScoreRoundingTests
{
    [Test]
    public void Score_TwoThirdsOfAPoint_RoundsToTwoDecimals()
    {
        var rubric = Rubric(Criterion("a", 2, credit: new LinearCredit(0, 3)), Criterion("b", 1));

        var review = RubricScorer.Score(rubric, [Failed("a", 1), Failed("b")]);

        Assert.Multiple(() =>
        {
            Assert.That(review.Criteria[0].Points, Is.EqualTo(0.67));
            Assert.That(review.Points, Is.EqualTo(0.67));
            Assert.That(review.Percentage, Is.EqualTo(22.2));
        });
    }

    [Test]
    public void Score_PointsOnAMidpoint_RoundHalfAwayFromZero()
    {
        var rubric = Rubric(Criterion("a", 0.25, credit: new LinearCredit(0, 1)), Criterion("b", 0.75));

        var review = RubricScorer.Score(rubric, [Failed("a", 0.5), Failed("b")]);

        Assert.That(review.Points, Is.EqualTo(0.13));
    }

    [Test]
    public void Score_6995PercentAgainst70PassMark_FailsAndIsNotShownAs70()
    {
        var rubric = Rubric(Criterion("a", 69.95), Criterion("b", 30.05));

        var review = RubricScorer.Score(rubric, [Passed("a"), Failed("b")]);

        Assert.Multiple(() =>
        {
            Assert.That(review.Passed, Is.False);
            Assert.That(review.Percentage, Is.EqualTo(69.9));
            Assert.That(review.Points, Is.EqualTo(69.95));
        });
    }

    [Test]
    public void Score_Exactly70PercentAgainst70PassMark_Passes()
    {
        var rubric = Rubric(Criterion("a", 7), Criterion("b", 3));

        var review = RubricScorer.Score(rubric, [Passed("a"), Failed("b")]);

        Assert.Multiple(() =>
        {
            Assert.That(review.Passed, Is.True);
            Assert.That(review.Percentage, Is.EqualTo(70.0));
        });
    }

    [Test]
    public void Score_PassMarkReachedOnlyThroughFloatNoise_Passes()
    {
        // 0.1 + 0.2 + 0.4 sums to 0.7000000000000001 or 0.6999999999999999 depending on order; either way it is 70%.
        var rubric = Rubric(Criterion("a", 0.1), Criterion("b", 0.2), Criterion("c", 0.4), Criterion("d", 0.3)) with { PassMark = 0.7 };

        var review = RubricScorer.Score(rubric, [Passed("a"), Passed("b"), Passed("c"), Failed("d")]);

        Assert.That(review.Passed, Is.True);
    }

    [TestCase(0.66666, 0.7, false, 66.7)]
    [TestCase(0.69949, 0.7, false, 69.9)]
    [TestCase(0.69999, 0.7, false, 69.9)]
    [TestCase(0.8555, 0.7, true, 85.6)]
    public void Percentage_Fraction_RoundsToOneDecimalWithoutCrossingThePassMark(double fraction, double passMark, bool reached, double expected)
    {
        Assert.That(ScoreRounding.Percentage(fraction, passMark, reached), Is.EqualTo(expected));
    }
}
