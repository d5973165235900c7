using Grader.Rubrics.Loading;

namespace Grader.Rubrics.Tests.Loading;

/// <summary>Each malformed rubric yields exactly the diagnostics its file declares, at the declared file, line and column.</summary>
public sealed class MalformedRubricTests
{
    private static IEnumerable<TestCaseData> Cases() =>
        MalformedCase.All().Select(c => new TestCaseData(c).SetName($"LoadFile_{c.Name}_ReportsDeclaredDiagnostics"));

    [TestCaseSource(nameof(Cases))]
    public void LoadFile_MalformedRubric_ReportsDeclaredDiagnostics(MalformedCase malformed)
    {
        var result = RubricLoader.LoadFile(malformed.Path);
        var actual = result.Diagnostics.Select(d => d.ToString()).ToList();
        Assert.Multiple(() =>
        {
            Assert.That(malformed.Expected, Is.Not.Empty, "the case declares no '# expect:' line");
            Assert.That(result.Rubric, Is.Null);
            Assert.That(result.Success, Is.False);
            Assert.That(actual, Is.EquivalentTo(malformed.Expected), "actual:\n" + string.Join("\n", actual));
        });
    }

    [Test]
    public void Corpus_MalformedFolder_HoldsAtLeastThirtyCases()
    {
        Assert.That(MalformedCase.All().Count(), Is.GreaterThanOrEqualTo(30));
    }
}
