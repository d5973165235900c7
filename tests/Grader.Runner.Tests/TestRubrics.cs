using Grader.Rubrics.Model;

namespace Grader.Runner.Tests;

/// <summary>Minimal rubrics around one check, for executor tests.</summary>
internal static class TestRubrics
{
    public static Criterion Criterion(CheckSpec check, string id = "criterion") => new()
    {
        Id = id,
        Title = "Criterion under test",
        Points = 10,
        Check = check,
    };

    public static Rubric With(CheckSpec check, SandboxLimits? limits = null, string? directory = null) => new()
    {
        Module = new ModuleInfo("mod-test", "Test module"),
        Competencies = [],
        Criteria = [Criterion(check)],
        Limits = limits ?? new SandboxLimits(),
        Directory = directory,
    };
}
