namespace Grader.Rubrics.Tests.Schema;

/// <summary>Every shipped rubric starts with a yaml-language-server modeline that points at the schema file.</summary>
public sealed class ModelineTests
{
    private const string Prefix = "# yaml-language-server: $schema=";

    private static IEnumerable<TestCaseData> ShippedRubrics()
    {
        var rubrics = Path.Combine(TestFiles.RepositoryRoot, "rubrics");
        return TestFiles.ShippedRubrics()
            .Select(p => new TestCaseData(p).SetName($"Modeline_{Path.GetRelativePath(rubrics, p).Replace('/', '_')}_PointsAtSchema"));
    }

    [TestCaseSource(nameof(ShippedRubrics))]
    public void ShippedRubric_FirstLine_IsModelinePointingAtSchema(string path)
    {
        var first = File.ReadLines(path).FirstOrDefault() ?? "";
        Assert.That(first, Does.StartWith(Prefix));
        var target = Path.GetFullPath(Path.Combine(Path.GetDirectoryName(path)!, first[Prefix.Length..].Trim()));
        Assert.That(target, Is.EqualTo(RubricSchema.SchemaPath));
    }

    [Test]
    public void ShippedRubrics_Folder_HasAtLeastOneRubric()
    {
        Assert.That(ShippedRubrics(), Is.Not.Empty);
    }
}
