using Grader.Rubrics.Loading;
using Grader.Rubrics.Tests.Loading;

namespace Grader.Rubrics.Tests.Schema;

/// <summary>The JSON Schema and the loader agree: valid rubrics pass both; malformed ones the schema can express fail both.</summary>
public sealed class SchemaLoaderAgreementTests
{
    /// <summary>Every YAML rubric shipped under rubrics/ (answer keys and other data aside) and the valid test rubrics.</summary>
    private static IEnumerable<TestCaseData> ValidRubrics()
    {
        var root = TestFiles.RepositoryRoot;
        var shipped = TestFiles.ShippedRubrics();
        var own = Directory.EnumerateFiles(TestFiles.Data("Loading", "Valid"), "*.yaml", SearchOption.AllDirectories);
        return shipped.Concat(own).Order(StringComparer.Ordinal)
            .Select(p => new TestCaseData(p).SetName($"ValidRubric_{Path.GetRelativePath(root, p).Replace('/', '_')}_PassesSchemaAndLoader"));
    }

    [TestCaseSource(nameof(ValidRubrics))]
    public void ValidRubric_SchemaAndLoader_BothAccept(string path)
    {
        var schemaErrors = RubricSchema.Validate(File.ReadAllText(path));
        var result = RubricLoader.LoadFile(path, RubricFileRole.Auto);
        Assert.Multiple(() =>
        {
            Assert.That(schemaErrors, Is.Empty, "schema violations");
            Assert.That(result.Diagnostics.Select(d => d.ToString()), Is.Empty, "loader diagnostics");
        });
    }

    private static IEnumerable<TestCaseData> MalformedCases() =>
        MalformedCase.All().Select(c => new TestCaseData(c).SetName($"Malformed_{c.Name}_Schema{(c.SchemaRejects ? "Rejects" : "Accepts")}"));

    /// <summary>
    /// Cases marked "schema: rejects" must fail the schema as they fail the loader; cases marked "accepts" are
    /// the loader-only rules (cross references, sums, files), and the schema must indeed let them through.
    /// </summary>
    [TestCaseSource(nameof(MalformedCases))]
    public void MalformedRubric_Schema_AgreesWithDeclaredExpressibility(MalformedCase malformed)
    {
        var schemaErrors = RubricSchema.Validate(File.ReadAllText(malformed.Path));
        var loader = RubricLoader.LoadFile(malformed.Path);
        Assert.Multiple(() =>
        {
            Assert.That(loader.Success, Is.False, "the loader rejects every malformed case");
            if (malformed.SchemaRejects) Assert.That(schemaErrors, Is.Not.Empty, "the schema should reject this case");
            else Assert.That(schemaErrors, Is.Empty, "the case is marked as beyond the schema, but the schema rejects it");
        });
    }
}
