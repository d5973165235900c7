using Grader.Rubrics.Loading;
using Grader.Rubrics.Model;
using Grader.Rubrics.Results;
using Grader.Rubrics.Scoring;

namespace Grader.Rubrics.Tests.Scoring;

/// <summary>Every rubric shipped under rubrics/courses loads without diagnostics and scores sensibly.</summary>
public class ShippedRubricScoringTests
{
    private static string CoursesDirectory => Path.Combine(TestFiles.RepositoryRoot, "rubrics", "courses");

    public static IEnumerable<TestCaseData> CourseRubrics()
    {
        var dir = new DirectoryInfo(TestContext.CurrentContext.TestDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Grader.sln"))) dir = dir.Parent;
        var courses = Path.Combine(dir!.FullName, "rubrics", "courses");
        return Directory.GetFiles(courses, "*.yaml").Order(StringComparer.Ordinal)
            .Select(path => new TestCaseData(Path.GetFileName(path)).SetArgDisplayNames(Path.GetFileName(path)));
    }

    private static Rubric Load(string fileName)
    {
        var result = RubricLoader.LoadFile(Path.Combine(CoursesDirectory, fileName));
        Assert.That(result.Diagnostics.Select(d => d.ToString()), Is.Empty, $"{fileName} has diagnostics");
        return result.Rubric!;
    }

    public static IEnumerable<TestCaseData> SharedFragments()
    {
        var dir = new DirectoryInfo(TestContext.CurrentContext.TestDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Grader.sln"))) dir = dir.Parent;
        return Directory.GetFiles(Path.Combine(dir!.FullName, "rubrics", "shared"), "*.yaml").Order(StringComparer.Ordinal)
            .Select(path => new TestCaseData(Path.GetFileName(path)).SetArgDisplayNames(Path.GetFileName(path)));
    }

    [TestCaseSource(nameof(SharedFragments))]
    public void LoadFile_SharedFragmentLintedOnItsOwn_HasNoDiagnostics(string fileName)
    {
        var result = RubricLoader.LoadFile(Path.Combine(TestFiles.RepositoryRoot, "rubrics", "shared", fileName), RubricFileRole.Auto);

        Assert.That(result.Diagnostics.Select(d => d.ToString()), Is.Empty);
    }

    [Test]
    public void CoursesDirectory_HoldsEveryModuleRubric()
    {
        var files = Directory.GetFiles(CoursesDirectory, "*.yaml").Select(Path.GetFileName);

        Assert.That(files, Is.SupersetOf(new[]
        {
            "mod-101-lab2.yaml", "mod-101-lab3.yaml", "mod-101-quiz.yaml", "mod-523-benchmark-automation.yaml",
            "mod-527-performance-operations.yaml", "mod-558-sre.yaml", "mlops-project.yaml",
        }));
    }

    [TestCaseSource(nameof(CourseRubrics))]
    public void LoadFile_ShippedRubric_LoadsWithoutDiagnosticsAndTotals100(string fileName)
    {
        var rubric = Load(fileName);

        Assert.Multiple(() =>
        {
            Assert.That(rubric.MaxPoints, Is.EqualTo(100).Within(1e-9));
            Assert.That(rubric.Criteria, Is.Not.Empty);
        });
    }

    [TestCaseSource(nameof(CourseRubrics))]
    public void Score_ShippedRubricEverythingPassed_PassesWithEvidenceForEveryCompetencyAtItsTarget(string fileName)
    {
        var rubric = Load(fileName);
        var results = rubric.Criteria.Select(c => new CheckResult { CriterionId = c.Id, Status = CheckStatus.Passed }).ToList();

        var review = RubricScorer.Score(rubric, results);

        Assert.Multiple(() =>
        {
            Assert.That(review.Passed, Is.True);
            Assert.That(review.Percentage, Is.EqualTo(100.0));
            foreach (var competency in rubric.Competencies)
            {
                var evidence = review.Evidence.SingleOrDefault(e => e.CompetencyId == competency.Id);
                Assert.That(evidence?.Level, Is.EqualTo(competency.TargetLevel), $"{competency.Id} is never evidenced at its target level");
            }
        });
    }

    [TestCaseSource(nameof(CourseRubrics))]
    public void LoadFile_ShippedRubric_EveryReferencedRunnerFileExists(string fileName)
    {
        // The loader does not check these paths; a typo would only surface as a grader error on every submission.
        var rubric = Load(fileName);
        var referenced = rubric.Criteria.SelectMany(c => c.Check switch
        {
            QuizCheck q => [q.Key],
            BenchmarkCheck { Baseline.Path: { } p } => [p],
            LoadCheck { Baseline.Path: { } p } => [p],
            TestsCheck { Hidden.Path: { } p } => [p],
            _ => Array.Empty<string>(),
        });

        foreach (var path in referenced)
        {
            var full = Path.GetFullPath(path, rubric.Directory ?? CoursesDirectory);
            Assert.That(File.Exists(full) || Directory.Exists(full), Is.True, $"{fileName} references {path}, which does not exist ({full})");
        }
    }

    [TestCaseSource(nameof(CourseRubrics))]
    public void Score_ShippedRubricImageDidNotBuild_Fails(string fileName)
    {
        var rubric = Load(fileName);
        if (!rubric.Criteria.Any(c => c.Check is BuildCheck))
        {
            Assert.That(rubric.Criteria.Any(c => c.Check.NeedsService), Is.False, "a service rubric without a build criterion");
            return;
        }
        var results = rubric.Criteria.Select(c => c.Check is BuildCheck
            ? new CheckResult { CriterionId = c.Id, Status = CheckStatus.Failed, Message = "syntax error" }
            : CheckResult.NotRunBecause(c.Id, "the image did not build")).ToList();

        var review = RubricScorer.Score(rubric, results);

        Assert.Multiple(() =>
        {
            Assert.That(review.Passed, Is.False);
            Assert.That(review.Incomplete, Is.False);
            Assert.That(review.FailedGates, Does.Contain("build"));
        });
    }
}
