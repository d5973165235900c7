using Grader.Rubrics.Model;
using Grader.Runner.Checks;

namespace Grader.Runner.Tests.Support;

/// <summary>A throw-away submission folder on disk and a grading context over it.</summary>
internal sealed class SubmissionFolder : IDisposable
{
    public SubmissionFolder()
    {
        Root = Directory.CreateTempSubdirectory("grader-submission-").FullName;
        RubricRoot = Directory.CreateTempSubdirectory("grader-rubric-").FullName;
    }

    public string Root { get; }

    /// <summary>Where the rubric lives (answer keys, baselines): outside the submission.</summary>
    public string RubricRoot { get; }

    public SubmissionFolder With(string relativePath, string content)
    {
        var path = Path.Combine(Root, relativePath);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, content);
        return this;
    }

    public SubmissionFolder WithRubricFile(string relativePath, string content)
    {
        var path = Path.Combine(RubricRoot, relativePath);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, content);
        return this;
    }

    public static Criterion Criterion(CheckSpec check, string id = "criterion") =>
        new() { Id = id, Title = id, Points = 10, Check = check };

    public GradingContext Context(params Criterion[] criteria) => new()
    {
        JobId = "job-" + Guid.NewGuid().ToString("N")[..8],
        RunnerId = "test-runner",
        Rubric = new Rubric
        {
            Module = new ModuleInfo("MOD-TEST", "Test module"),
            Competencies = [],
            Criteria = criteria,
            Directory = RubricRoot,
        },
        SubmissionDirectory = Root,
        WorkDirectory = Root,
    };

    public void Dispose()
    {
        Directory.Delete(Root, recursive: true);
        Directory.Delete(RubricRoot, recursive: true);
    }
}
