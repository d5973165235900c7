using Grader.Rubrics.Loading;
using Grader.Rubrics.Model;

namespace Grader.Rubrics.Tests.Loading;

/// <summary><c>extends</c> and <c>include</c>: what a module inherits, overrides and adds (FORMAT.md, "Reuse").</summary>
public sealed class ReuseLoadingTests
{
    private Rubric _rubric = null!;

    [OneTimeSetUp]
    public void Load()
    {
        var result = RubricLoader.LoadFile(TestFiles.Data("Loading", "Valid", "reuse", "module.yaml"));
        Assert.That(result.Diagnostics, Is.Empty, string.Join("\n", result.Diagnostics));
        _rubric = result.Rubric!;
    }

    [Test]
    public void LoadFile_Extends_ChildCriterionReplacesBaseCriterionInPlace()
    {
        Assert.Multiple(() =>
        {
            Assert.That(_rubric.Criteria.Select(c => c.Id), Is.EqualTo(new[] { "unit-tests", "docs", "image-size", "health" }));
            Assert.That(_rubric.Criteria[0].Title, Is.EqualTo("Unit tests pass (module)"));
            Assert.That(_rubric.Criteria[0].Points, Is.EqualTo(20));
            Assert.That(((TestsCheck)_rubric.Criteria[0].Check).Command, Is.EqualTo(new[] { "pytest", "-q", "tests/module" }));
            Assert.That(_rubric.MaxPoints, Is.EqualTo(70));
        });
    }

    [Test]
    public void LoadFile_Extends_ChildSettingsOverrideBaseKeyByKey()
    {
        Assert.Multiple(() =>
        {
            Assert.That(_rubric.Module, Is.EqualTo(new ModuleInfo("MOD-200", "Reuse")));
            Assert.That(_rubric.PassMark, Is.EqualTo(0.8).Within(1e-12));
            Assert.That(_rubric.Limits.Memory, Is.EqualTo(new ByteSize(1L << 30)), "the child's memory");
            Assert.That(_rubric.Limits.Pids, Is.EqualTo(64), "the base's pids, kept");
            Assert.That(_rubric.Review.OnPass, Is.EqualTo(ReviewEvent.Comment), "the base's review");
            Assert.That(_rubric.Review.OnFail, Is.EqualTo(ReviewEvent.RequestChanges), "the default");
            Assert.That(_rubric.Service!.Port, Is.EqualTo(8000), "the base's service");
        });
    }

    [Test]
    public void LoadFile_ExtendsAndInclude_CompetenciesMergeWithChildWinning()
    {
        Assert.That(_rubric.Competencies, Is.EqualTo(new[]
        {
            new Competency("infrastructure-automation", "Infrastructure automation", ProficiencyLevel.Working),
            new Competency("testing", "Testing", ProficiencyLevel.Proficient),
            new Competency("containers", "Containers", ProficiencyLevel.Working),
            new Competency("observability", "Observability", ProficiencyLevel.Proficient),
        }));
    }

    [Test]
    public void LoadFile_FragmentIncludedTwiceAlongDifferentPaths_IsNotADuplicate()
    {
        Assert.That(_rubric.Criteria.Count(c => c.Id == "image-size"), Is.EqualTo(1));
    }

    [Test]
    public void LoadFile_Reuse_ListsSourceFilesSelfFirstAndLocatesCriteriaInTheirOwnFiles()
    {
        var dir = TestFiles.Data("Loading", "Valid", "reuse");
        Assert.Multiple(() =>
        {
            Assert.That(_rubric.SourceFiles[0], Is.EqualTo(Path.Combine(dir, "module.yaml")));
            Assert.That(_rubric.SourceFiles, Is.EquivalentTo(new[]
            {
                Path.Combine(dir, "module.yaml"), Path.Combine(dir, "course-defaults.yaml"),
                Path.Combine(dir, "fragments", "container.yaml"), Path.Combine(dir, "fragments", "observability.yaml"),
            }));
            Assert.That(_rubric.Criteria.Single(c => c.Id == "image-size").Location, Is.EqualTo(new SourceLocation(Path.Combine(dir, "fragments", "container.yaml"), 6, 5)));
            Assert.That(_rubric.Directory, Is.EqualTo(dir));
        });
    }

    [Test]
    public void LoadText_RelativeFileName_KeepsIncludedPathsRelative()
    {
        var previous = Environment.CurrentDirectory;
        try
        {
            Environment.CurrentDirectory = TestFiles.Data("Loading", "Valid");
            var result = RubricLoader.LoadFile("reuse/module.yaml");
            Assert.That(result.Rubric!.SourceFiles, Is.EquivalentTo(new[]
            {
                "reuse/module.yaml", "reuse/course-defaults.yaml", "reuse/fragments/container.yaml", "reuse/fragments/observability.yaml",
            }));
        }
        finally
        {
            Environment.CurrentDirectory = previous;
        }
    }
}
