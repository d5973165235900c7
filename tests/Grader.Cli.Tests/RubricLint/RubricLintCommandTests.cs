using Grader.Cli.Commands;

namespace Grader.Cli.Tests.RubricLint;

/// <summary><c>grader rubric lint</c>: what it prints and how it exits, run through the real command tree.</summary>
public sealed class RubricLintCommandTests
{
    private RubricFolder _folder = null!;

    [SetUp]
    public void CreateFolder() => _folder = new RubricFolder();

    [TearDown]
    public void DeleteFolder() => _folder.Dispose();

    [Test]
    public async Task Lint_ValidRubricAndFragment_ExitsZeroWithSummary()
    {
        var rubric = _folder.Write("module.yaml", RubricFolder.ValidRubric);
        var fragment = _folder.Write("shared/fragment.yaml", RubricFolder.Fragment);

        var run = await LintRun.InvokeAsync("rubric", "lint", rubric, fragment);

        Assert.Multiple(() =>
        {
            Assert.That(run.ExitCode, Is.EqualTo(RubricLintCommand.Valid), run.Output + run.Error);
            Assert.That(run.OutputLines, Is.EqualTo(new[] { "ok: 2 files checked (1 rubric, 1 fragment), no problems" }));
            Assert.That(run.Error, Is.Empty);
        });
    }

    [Test]
    public async Task Lint_MalformedRubric_ExitsOneWithLocatedErrorsAndSummary()
    {
        var path = _folder.Write("bad.yaml", """
            module: { id: MOD-1, title: Lint }
            competencies:
              testing: { name: Testing, level: Working }
            criteria:
              - id: size
                title: Size
                pionts: 10
                check:
                  image_size: { max: 2 gigs }
            """);

        var run = await LintRun.InvokeAsync("rubric", "lint", path);

        Assert.Multiple(() =>
        {
            Assert.That(run.ExitCode, Is.EqualTo(RubricLintCommand.Invalid));
            Assert.That(run.OutputLines, Is.EqualTo(new[]
            {
                $"{path}:7:5: error: unknown key 'pionts' in a criterion; did you mean 'points'?",
                $"{path}:5:5: error: a criterion is missing 'points' (or 'weight')",
                $"{path}:9:26: error: 'max' must be a size such as 2GB, 512MiB or 800kB; found '2 gigs'",
                "3 errors in 1 file; 1 file checked (1 rubric, 0 fragments)",
            }));
        });
    }

    [Test]
    public async Task Lint_GitHubFormat_PrintsEscapedWorkflowCommands()
    {
        var path = _folder.Write("bad,name.yaml", """
            module: { id: MOD-1, title: Lint }
            competencies:
              testing: { name: Testing, level: Working }
            pass_mark: 140%
            criteria:
              - { id: a, title: A, points: 1, check: { build: {} } }
            """);

        var run = await LintRun.InvokeAsync("rubric", "lint", "--format", "github", path);

        Assert.Multiple(() =>
        {
            Assert.That(run.ExitCode, Is.EqualTo(RubricLintCommand.Invalid));
            Assert.That(run.OutputLines, Is.EqualTo(new[]
            {
                $"::error file={path.Replace(",", "%2C", StringComparison.Ordinal)},line=4,col=12,title=rubric lint::'pass_mark' must be between 0% and 100% (or a fraction between 0 and 1); found '140%'"
                    .Replace("0%", "0%25", StringComparison.Ordinal).Replace("140%'", "140%25'", StringComparison.Ordinal),
                "rubric lint: 1 error in 1 file",
            }));
        });
    }

    [Test]
    public async Task Lint_Folder_SearchesRecursivelyForYamlAndYml()
    {
        _folder.Write("a/module.yaml", RubricFolder.ValidRubric);
        _folder.Write("a/shared/fragment.yaml", RubricFolder.Fragment);
        var bad = _folder.Write("b/c/other.yml", "criteria: 3\n");
        _folder.Write("b/notes.txt", "not a rubric: [");

        var run = await LintRun.InvokeAsync("rubric", "lint", _folder.Root);

        Assert.Multiple(() =>
        {
            Assert.That(run.ExitCode, Is.EqualTo(RubricLintCommand.Invalid));
            Assert.That(run.OutputLines, Is.EqualTo(new[]
            {
                $"{bad}:1:11: error: expected a list of criteria for 'criteria', found the number 3",
                "1 error in 1 file; 3 files checked (1 rubric, 2 fragments)",
            }));
        });
    }

    [Test]
    public async Task Lint_FragmentLintedDirectly_HasNoMissingModuleError()
    {
        var fragment = _folder.Write("fragment.yaml", """
            competencies:
              containers: { name: Containers, level: Working }
            criteria:
              - id: size
                title: Size
                points: 5
                check: { image_size: { max: 1GB } }
                evidence:
                  - containers: Working
            """);

        var run = await LintRun.InvokeAsync("rubric", "lint", fragment);

        Assert.That(run.ExitCode, Is.EqualTo(RubricLintCommand.Valid), run.Output);
    }

    [Test]
    public async Task Lint_ErrorInSharedFragment_ReportedOnce()
    {
        var first = _folder.Write("one.yaml", RubricFolder.ValidRubric);
        var second = _folder.Write("two.yaml", RubricFolder.ValidRubric.Replace("MOD-1", "MOD-2", StringComparison.Ordinal));
        var fragment = _folder.Write("shared/fragment.yaml", RubricFolder.Fragment.Replace("points: 5", "points: five", StringComparison.Ordinal));

        var run = await LintRun.InvokeAsync("rubric", "lint", first, second, fragment);

        Assert.Multiple(() =>
        {
            Assert.That(run.ExitCode, Is.EqualTo(RubricLintCommand.Invalid));
            Assert.That(run.OutputLines.Count(l => l.Contains("expected a number for 'points'", StringComparison.Ordinal)), Is.EqualTo(1), run.Output);
            Assert.That(run.OutputLines[^1], Is.EqualTo("1 error in 1 file; 3 files checked (2 rubrics, 1 fragment)"));
        });
    }

    [Test]
    public async Task Lint_RelativePath_ReportsPathAsGiven()
    {
        var path = _folder.Write("rel.yaml", "module: { id: M-1, title: T }\ncompetencies: { c: { name: C, level: Working } }\ncriteria: []\ntotal: 3\n");
        var relative = Path.GetRelativePath(Environment.CurrentDirectory, path);

        var run = await LintRun.InvokeAsync("rubric", "lint", relative);

        Assert.That(run.OutputLines[0], Is.EqualTo($"{relative}:4:1: error: unknown key 'total' in the rubric; did you mean 'total_points'?"));
    }

    [TestCase(new string[0], "give at least one rubric file or folder")]
    [TestCase(new[] { "/no/such/rubric.yaml" }, "no such file or folder: /no/such/rubric.yaml")]
    [TestCase(new[] { "--format", "xml", "." }, "unknown --format 'xml'; use one of: text, github")]
    [TestCase(new[] { "--fromat", "github", "." }, "unknown option or argument: --fromat")]
    public async Task Lint_UsageError_ExitsTwoWithMessage(string[] args, string message)
    {
        var run = await LintRun.InvokeAsync(["rubric", "lint", .. args]);

        Assert.Multiple(() =>
        {
            Assert.That(run.ExitCode, Is.EqualTo(RubricLintCommand.UsageError));
            Assert.That(run.Error, Does.StartWith($"grader rubric lint: {message}"));
            Assert.That(run.Output, Is.Empty);
        });
    }

    [Test]
    public async Task Lint_EmptyFolder_ExitsTwo()
    {
        var run = await LintRun.InvokeAsync("rubric", "lint", _folder.Root);

        Assert.That(run.ExitCode, Is.EqualTo(RubricLintCommand.UsageError));
    }

    [Test]
    public async Task Lint_ShippedRubricsFolderAsTheReadmeSays_AllValidWithTheAnswerKeyCheckedAsAKey()
    {
        // The README's instructor command: the whole rubrics/ tree, answer keys and all.
        var run = await LintRun.InvokeAsync("rubric", "lint", Path.Combine(RepositoryRoot(), "rubrics"));

        Assert.Multiple(() =>
        {
            Assert.That(run.ExitCode, Is.EqualTo(RubricLintCommand.Valid), run.Output);
            Assert.That(run.OutputLines[^1], Does.Match(@"^ok: \d+ files checked \(\d+ rubrics, \d+ fragments, 1 answer key\), no problems$"));
        });
    }

    [Test]
    public async Task Lint_QuizRubricAndItsKey_KeyCheckedAsAnAnswerKeyNotAsAFragment()
    {
        _folder.Write("courses/quiz.yaml", QuizRubric("../keys/quiz.yaml"));
        _folder.Write("keys/quiz.yaml", "q1: b\nq2: [c, \"mount\"]\nq3: { all: [a, c] }\n");

        var run = await LintRun.InvokeAsync("rubric", "lint", _folder.Root);

        Assert.Multiple(() =>
        {
            Assert.That(run.ExitCode, Is.EqualTo(RubricLintCommand.Valid), run.Output);
            Assert.That(run.OutputLines, Is.EqualTo(new[] { "ok: 2 files checked (1 rubric, 0 fragments, 1 answer key), no problems" }));
        });
    }

    [Test]
    public async Task Lint_AnswerKeyWithAMapAnswer_LocatedErrorInTheKey()
    {
        var rubric = _folder.Write("quiz.yaml", QuizRubric("keys/quiz.yaml"));
        var key = _folder.Write("keys/quiz.yaml", "q1: b\nq2: { any: [a] }\n");

        // Only the rubric is named: the key it points at is checked with it.
        var run = await LintRun.InvokeAsync("rubric", "lint", rubric);

        Assert.Multiple(() =>
        {
            Assert.That(run.ExitCode, Is.EqualTo(RubricLintCommand.Invalid));
            Assert.That(run.OutputLines, Is.EqualTo(new[]
            {
                $"{key}:2:5: error: in this answer key: the key for 'q2' must be a value, a list of accepted values, or {{ all: [...] }}",
                "1 error in 1 file; 2 files checked (1 rubric, 0 fragments, 1 answer key)",
            }));
        });
    }

    [Test]
    public async Task Lint_QuizKeyDoesNotExist_ErrorAtTheCriterion()
    {
        var rubric = _folder.Write("quiz.yaml", QuizRubric("keys/missing.yaml"));

        var run = await LintRun.InvokeAsync("rubric", "lint", rubric);

        Assert.Multiple(() =>
        {
            Assert.That(run.ExitCode, Is.EqualTo(RubricLintCommand.Invalid));
            Assert.That(run.OutputLines[0], Does.StartWith($"{rubric}:5:5: error: criterion 'quiz': the quiz answer key 'keys/missing.yaml' does not exist"));
        });
    }

    private static string QuizRubric(string key) => $$"""
        module: { id: MOD-1, title: Quiz }
        competencies:
          concepts: { name: Concepts, level: Working }
        criteria:
          - id: quiz
            title: Quiz
            points: 10
            check: { quiz: { key: {{key}} } }
        """;

    private static string RepositoryRoot()
    {
        var dir = new DirectoryInfo(TestContext.CurrentContext.TestDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Grader.sln"))) dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("Grader.sln not found");
    }
}
