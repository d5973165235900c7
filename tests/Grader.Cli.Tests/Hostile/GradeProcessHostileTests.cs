using System.Diagnostics;
using Grader.Cli.Commands;
using Grader.Cli.Tests.Support;
using Grader.Runner.Results;

namespace Grader.Cli.Tests.Hostile;

/// <summary>
/// The built <c>grader grade</c> run as a child process on poison submissions: a parser of learner files that
/// recursed once per nesting level overflowed the stack, which no catch can handle (the process aborts with
/// SIGABRT, exit code 134). The process must instead exit normally with the learner's not-met verdict.
/// </summary>
[TestFixture]
[Category("Hostile")]
[Category("Integration")]
public sealed class GradeProcessHostileTests
{
    private string _root = null!;

    [SetUp]
    public void SetUp() => _root = Directory.CreateTempSubdirectory("grader-cli-hostile-").FullName;

    [TearDown]
    public void TearDown() => Directory.Delete(_root, recursive: true);

    private static string RepositoryRoot()
    {
        var dir = new DirectoryInfo(TestContext.CurrentContext.TestDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Grader.sln"))) dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("Grader.sln not found");
    }

    private string Submission(string name, string answers)
    {
        var folder = Path.Combine(_root, name);
        Directory.CreateDirectory(Path.Combine(folder, "quiz"));
        File.WriteAllText(Path.Combine(folder, "quiz", "answers.yaml"), answers);
        return folder;
    }

    /// <summary>Runs <c>dotnet grader.dll grade</c> to completion; the runner's id and folders are the test's own.</summary>
    private async Task<(int ExitCode, string Output, ResultDocument Result)> GradeAsync(string submission, string name)
    {
        var output = Path.Combine(_root, "out-" + name);
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        var rubric = Path.Combine(RepositoryRoot(), "rubrics", "courses", "mod-101-quiz.yaml");
        foreach (var argument in new[] { GraderBinary.DllPath, "grade", "--rubric", rubric, submission, "--out", output })
        {
            start.ArgumentList.Add(argument);
        }
        start.Environment["Grader__Runner__RunnerId"] = "test-cli-hostile-" + Guid.NewGuid().ToString("n")[..8];
        start.Environment["Grader__Runner__WorkRoot"] = Path.Combine(_root, "work");
        start.Environment["Grader__Runner__MirrorCache"] = Path.Combine(_root, "mirrors");
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var deadline = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        await process.WaitForExitAsync(deadline.Token);
        var text = await stdout + await stderr;
        Assert.That(process.ExitCode, Is.Not.EqualTo(134), "SIGABRT: the grader crashed (stack overflow)\n" + text);
        var result = await ResultJson.ReadFileAsync(Path.Combine(output, "result.json"), CancellationToken.None);
        return (process.ExitCode, text, result);
    }

    [Test]
    public async Task Grade_240KilobyteDeeplyNestedQuizAnswers_ExitsNormallyWithANotMetQuiz()
    {
        var poison = Submission("poison", "q01-image-layers: " + new string('[', 120_000) + new string(']', 120_000) + "\n");
        Assert.That(new FileInfo(Path.Combine(poison, "quiz", "answers.yaml")).Length, Is.InRange(230_000, 250_000));

        var (exitCode, output, result) = await GradeAsync(poison, "poison");

        var quiz = result.Criteria.Single();
        Assert.Multiple(() =>
        {
            Assert.That(exitCode, Is.EqualTo(GradeExitCodes.Failed), output);
            Assert.That(quiz.Outcome, Is.EqualTo("not_met"));
            Assert.That(quiz.Message, Does.Contain("quiz/answers.yaml:1:26: nested deeper than 8 levels"));
            Assert.That(result.Verdict.Incomplete, Is.False, "a learner's file is never a grader error");
        });

        // The same command still grades a normal submission afterwards.
        var passing = Path.Combine(RepositoryRoot(), "examples", "mod-101-quiz", "passing");
        var (normalExit, normalOutput, _) = await GradeAsync(passing, "normal");
        Assert.That(normalExit, Is.EqualTo(GradeExitCodes.Passed), normalOutput);
    }
}
