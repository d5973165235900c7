namespace Grader.Rubrics.Tests.Schema;

/// <summary>
/// Each keyword the schema relies on is enforced by the validator: one fault per snippet, so a keyword the
/// validator ignored would show as an accepted snippet.
/// </summary>
public sealed class SchemaKeywordTests
{
    private const string Valid = "criteria:\n  - { id: a, title: A, points: 1, check: { build: } }\n";

    [Test]
    public void Validate_ValidFragment_HasNoErrors()
    {
        Assert.That(RubricSchema.Validate(Valid), Is.Empty);
    }

    [TestCase("criteria:\n  - { id: a, title: A, weight: 0, check: { build: } }\n", TestName = "Validate_ZeroWeight_ExclusiveMinimumRejects")]
    [TestCase("limits: { cpus: 0 }\n", TestName = "Validate_ZeroCpus_ExclusiveMinimumRejects")]
    [TestCase("criteria:\n  - { id: a, title: A, points: 1, check: { build: , dockerfile: } }\n", TestName = "Validate_TwoCheckTypes_MaxPropertiesRejects")]
    [TestCase("criteria:\n  - { id: a, title: A, points: 1, check: { build: }, evidence: [ { c: expert } ] }\n", TestName = "Validate_LowerCaseLevel_EnumRejects")]
    [TestCase("criteria:\n  - { id: a, title: A, points: 1, check: { build: { max: 1GB } } }\n", TestName = "Validate_UnknownCheckSetting_AdditionalPropertiesRejects")]
    [TestCase("criteria:\n  - { id: a, title: A, points: 1, weight: 1, check: { build: } }\n", TestName = "Validate_PointsAndWeight_OneOfRejects")]
    [TestCase("criteria:\n  - { id: A, title: A, points: 1, check: { build: } }\n", TestName = "Validate_UpperCaseId_PatternRejects")]
    [TestCase("competencies: { Bad Id: { name: N, level: Working } }\n", TestName = "Validate_BadCompetencyId_PatternPropertiesRejects")]
    [TestCase("criteria:\n  - { id: a, title: A, points: 1, check: { tests: { command: x, hidden: { path: p, repository: r } } } }\n", TestName = "Validate_HiddenPathAndRepository_OneOfRejects")]
    [TestCase("criteria:\n  - { id: a, title: A, points: 1, check: { metrics: { path: /m } } }\n", TestName = "Validate_MetricsWithoutRequirements_AnyOfRejects")]
    [TestCase("criteria:\n  - { id: a, title: A, points: 1, check: { build: { max_time: 0s } } }\n", TestName = "Validate_ZeroDuration_NotRejects")]
    [TestCase("criteria:\n  - { id: a, title: A, points: 1, check: { build: }, credit: {} }\n", TestName = "Validate_EmptyCredit_MinPropertiesRejects")]
    [TestCase("criteria:\n  - { id: a, title: A, points: 1, check: { build: }, evidence: [ {} ] }\n", TestName = "Validate_EmptyEvidence_MinPropertiesRejects")]
    [TestCase("criteria:\n  - { id: a, title: A, points: '1', check: { build: } }\n", TestName = "Validate_QuotedPoints_TypeRejects")]
    public void Validate_OneFault_Rejects(string yaml)
    {
        Assert.That(RubricSchema.Validate(yaml), Is.Not.Empty);
    }
}
