using Grader.Rubrics.Loading;
using Grader.Rubrics.Model;
using Grader.Rubrics.Tests.Schema;

namespace Grader.Rubrics.Tests.Loading;

/// <summary>The benchmark check's <c>reference</c>: a reference measured in the same job, and its defaults.</summary>
public sealed class BenchmarkReferenceLoadingTests
{
    private static string Rubric(string reference) => $$"""
        module: { id: MOD-1, title: Reference }
        competencies:
          testing: { name: Testing, level: Working }
        criteria:
          - id: speed
            title: Speed
            points: 10
            check:
              benchmark:
                command: ["python", "bench.py"]
                reference: {{reference}}
        """;

    private static BenchmarkCheck Load(string reference)
    {
        var result = RubricLoader.LoadText(Rubric(reference), "rubric.yaml");
        Assert.That(result.Diagnostics, Is.Empty, string.Join("\n", result.Diagnostics));
        return (BenchmarkCheck)result.Rubric!.Criteria.Single().Check;
    }

    [Test]
    public void LoadText_SolutionWithEverySetting_ReadsThem()
    {
        var check = Load("{ solution: ../reference/lab3, tolerance: 15%, rounds: 8, confidence: 90% }");

        Assert.That(check.Reference, Is.EqualTo(new BenchmarkReferenceSpec("../reference/lab3", 0.15) { Rounds = 8, Confidence = 0.90 }));
        Assert.That(check.Reference!.BaseCommit, Is.False);
        Assert.That(check.Baseline, Is.Null);
    }

    [Test]
    public void LoadText_BaseCommitAlone_DefaultsSixRoundsNinetyFivePercentTenPercentTolerance()
    {
        var check = Load("{ base_commit: true }");

        Assert.That(check.Reference, Is.EqualTo(new BenchmarkReferenceSpec(null, 0.10) { Rounds = 6, Confidence = 0.95 }));
        Assert.That(check.Reference!.BaseCommit, Is.True);
    }

    [TestCase("{ solution: ../reference/lab3, rounds: 8 }")]
    [TestCase("{ base_commit: true, confidence: 0.99 }")]
    public void Validate_ValidReference_SchemaAccepts(string reference)
    {
        Assert.That(RubricSchema.Validate(Rubric(reference)), Is.Empty);
    }

    [TestCase("{ solution: ../reference/lab3, base_commit: true }")]
    [TestCase("{ base_commit: false }")]
    [TestCase("{ rounds: 5 }")]
    [TestCase("{ base_commit: true, rounds: 1 }")]
    public void Validate_InvalidReference_SchemaAndLoaderReject(string reference)
    {
        Assert.That(RubricSchema.Validate(Rubric(reference)), Is.Not.Empty);
        Assert.That(RubricLoader.LoadText(Rubric(reference), "rubric.yaml").Diagnostics, Is.Not.Empty);
    }
}
