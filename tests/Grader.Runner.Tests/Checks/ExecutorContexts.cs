using Grader.Rubrics.Model;
using Grader.Runner.Checks;

namespace Grader.Runner.Tests.Checks;

/// <summary>Grading contexts for executors that only read what the pipeline put there.</summary>
internal static class ExecutorContexts
{
    public static GradingContext For(CheckSpec check) => new()
    {
        JobId = "job",
        RunnerId = "test-executors",
        Rubric = TestRubrics.With(check),
        SubmissionDirectory = Path.GetTempPath(),
        WorkDirectory = Path.GetTempPath(),
    };
}
