using Grader.Rubrics.Loading;
using Grader.Rubrics.Model;

namespace Grader.Rubrics.Tests.Model;

/// <summary>The check-kind descriptors are the one place a kind is described; these pin that everything follows them.</summary>
public sealed class CheckKindTests
{
    [Test]
    public void All_EveryKindParsesFromTheEveryCheckRubric_AndNoOtherKindExists()
    {
        var rubric = RubricLoader.LoadFile(TestFiles.Data("Loading", "Valid", "every-check.yaml")).Rubric!;

        Assert.That(rubric.Criteria.Select(c => c.Check.Kind).Distinct().Order(StringComparer.Ordinal),
            Is.EqualTo(CheckKind.All.Select(k => k.Name).Order(StringComparer.Ordinal)),
            "a descriptor without a parse method (or a parsed kind without a descriptor) shows up here");
    }

    [Test]
    public void Descriptor_EachSpecRecord_IsTheDescriptorOfItsOwnName()
    {
        var rubric = RubricLoader.LoadFile(TestFiles.Data("Loading", "Valid", "every-check.yaml")).Rubric!;

        Assert.That(rubric.Criteria.Select(c => c.Check), Has.All.Matches<CheckSpec>(c => ReferenceEquals(c.Descriptor, CheckKind.Named(c.Kind))));
    }

    [Test]
    public void Named_UnknownKind_ThrowsInsteadOfFallingBackToAnotherKind()
    {
        var error = Assert.Throws<ArgumentException>(() => CheckKind.Named("smoke_test"))!;

        Assert.That(error.Message, Does.StartWith("'smoke_test' is not a check kind; known: build, image_size, image_config, tests"));
    }

    // The descriptor's unit decides what a credit bound may be: a ratio for tests, bytes for image_size.
    [TestCase("tests: { command: [pytest] }", "{ threshold: 2 }", "must be between 0 and 1 (or 0% to 100%) because the tests check measures a ratio")]
    [TestCase("image_size: { max: 2GB }", "{ threshold: 80% }", "but the image_size check measures bytes")]
    public void CreditBounds_FollowTheDescriptorsUnit(string check, string credit, string expected)
    {
        var yaml = $$"""
            module: { id: MOD-1, title: Units }
            competencies:
              c: { name: C, level: Working }
            criteria:
              - id: one
                title: One
                points: 10
                check: { {{check}} }
                credit: {{credit}}
            """;

        var result = RubricLoader.LoadText(yaml, "units.yaml");

        Assert.That(result.Diagnostics.Select(d => d.Message), Has.Some.Contains(expected));
    }
}
