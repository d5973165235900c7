using Grader.Runner.Statistics;

namespace Grader.Runner.Tests.Statistics;

/// <summary>Student's t quantiles against published table values.</summary>
[TestFixture]
public sealed class StudentTTests
{
    [TestCase(0.975, 1, 12.706205)]
    [TestCase(0.95, 1, 6.313752)]
    [TestCase(0.975, 4, 2.776445)]
    [TestCase(0.90, 4, 1.533206)]
    [TestCase(0.995, 4, 4.604095)]
    [TestCase(0.975, 9, 2.262157)]
    [TestCase(0.975, 30, 2.042272)]
    [TestCase(0.995, 2, 9.924843)]
    public void Quantile_TableProbabilities_MatchTheTable(double probability, int degreesOfFreedom, double expected)
    {
        Assert.That(StudentT.Quantile(probability, degreesOfFreedom), Is.EqualTo(expected).Within(1e-5));
    }

    [Test]
    public void Quantile_LowerTail_IsTheUpperNegated()
    {
        Assert.That(StudentT.Quantile(0.025, 4), Is.EqualTo(-StudentT.Quantile(0.975, 4)).Within(1e-12));
        Assert.That(StudentT.Quantile(0.5, 7), Is.Zero);
    }

    [Test]
    public void Cdf_OfTheQuantile_GivesTheProbabilityBack()
    {
        Assert.That(StudentT.Cdf(StudentT.Quantile(0.9, 6), 6), Is.EqualTo(0.9).Within(1e-10));
    }

    [TestCase(0.0)]
    [TestCase(1.0)]
    [TestCase(double.NaN)]
    public void Quantile_ProbabilityOutsideTheOpenInterval_Throws(double probability)
    {
        Assert.That(() => StudentT.Quantile(probability, 4), Throws.InstanceOf<ArgumentOutOfRangeException>());
    }
}
