using Grader.Rubrics.Loading;

namespace Grader.Rubrics.Tests.Loading;

/// <summary>Weights become points that add up to total_points (default 100).</summary>
public sealed class WeightNormalisationTests
{
    [Test]
    public void LoadFile_WeightsWithTotalPoints_NormalisesToTotal()
    {
        var result = RubricLoader.LoadFile(TestFiles.Data("Loading", "Valid", "weights.yaml"));
        Assert.That(result.Diagnostics, Is.Empty, string.Join("\n", result.Diagnostics));
        Assert.That(result.Rubric!.Criteria.Select(c => c.Points), Is.EqualTo(new[] { 12.5, 37.5 }));
    }

    [Test]
    public void LoadText_WeightsWithoutTotalPoints_NormalisesToHundred()
    {
        const string yaml = """
            module: { id: MOD-1, title: T }
            competencies: { c: { name: C, level: Working } }
            criteria:
              - { id: a, title: A, weight: 2, check: { build: {} } }
              - { id: b, title: B, weight: 2, check: { build: {} } }
              - { id: c, title: C, weight: 1, check: { build: {} } }
            """;
        var result = RubricLoader.LoadText(yaml, "weights.yaml");
        Assert.That(result.Diagnostics, Is.Empty, string.Join("\n", result.Diagnostics));
        Assert.Multiple(() =>
        {
            Assert.That(result.Rubric!.Criteria.Select(c => c.Points), Is.EqualTo(new[] { 40.0, 40.0, 20.0 }).Within(1e-9));
            Assert.That(result.Rubric.MaxPoints, Is.EqualTo(100).Within(1e-9));
        });
    }
}
