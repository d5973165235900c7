using Grader.Rubrics.Model;
using Grader.Runner.Checks;

namespace Grader.Runner.Tests.Baselines;

/// <summary>Minimal rubrics and grading contexts around one criterion, for executor and baseline tests.</summary>
internal static class PerfContexts
{
    public static Criterion Criterion(CheckSpec check, string id = "perf") => new() { Id = id, Title = id, Points = 10, Check = check };

    public static GradingContext Context(Criterion criterion, string rubricDirectory, string workDirectory, string? repository = null, string? commit = null) => new()
    {
        JobId = "job-" + Guid.NewGuid().ToString("N")[..8],
        RunnerId = "test-" + Guid.NewGuid().ToString("N"),
        Rubric = new Rubric
        {
            Module = new ModuleInfo("MOD-523", "Performance"),
            Competencies = [],
            Criteria = [criterion],
            Directory = rubricDirectory,
        },
        SubmissionDirectory = workDirectory,
        WorkDirectory = workDirectory,
        Repository = repository,
        CommitSha = commit,
    };
}

/// <summary>A temporary folder removed after the test.</summary>
internal sealed class TemporaryDirectory : IDisposable
{
    public string Path { get; } = Directory.CreateTempSubdirectory("grader-perf-").FullName;

    public string Combine(params string[] parts) => System.IO.Path.Combine([Path, .. parts]);

    public void Dispose() => Directory.Delete(Path, recursive: true);
}
