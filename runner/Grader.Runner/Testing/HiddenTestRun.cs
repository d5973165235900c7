using Grader.Rubrics.Model;
using Grader.Rubrics.Results;
using Grader.Runner.Checks;
using Grader.Runner.Docker;

namespace Grader.Runner.Testing;

/// <summary>
/// Plans a hidden-tests run so that learner code cannot read the tests or alter their outcome: the tests run in a
/// grader-owned image (never the learner's), mounted read-only; the learner's service, when the rubric asks for
/// it, is probed black-box over the job's internal network (<see cref="HiddenTestsSpec.ServiceUrlVariable"/>);
/// the learner's files, when asked for, are a read-only copy for static inspection. Nothing the learner wrote
/// executes in the container, so its report and exit code are trusted.
/// </summary>
internal static class HiddenTestRun
{
    public static bool TryPlan(Criterion criterion, HiddenTestsSpec hidden, GradingContext context, SandboxOptions options, out TestRunPlan plan, out CheckResult instead)
    {
        plan = null!;
        instead = null!;
        var folder = ResolveFolder(hidden, criterion.Id, context, out var missing);
        if (folder is null)
        {
            instead = CheckResult.GraderError(criterion.Id, missing!);
            return false;
        }
        var copyIn = new List<SandboxCopyIn> { new(folder, hidden.MountPath) };
        if (hidden.Submission) copyIn.Add(new SandboxCopyIn(context.SubmissionDirectory, HiddenTestsSpec.SubmissionMountPath));

        // Byte-code caches cannot be written to the read-only tests anyway; this keeps the run quiet about it.
        var environment = new Dictionary<string, string>(StringComparer.Ordinal) { ["PYTHONDONTWRITEBYTECODE"] = "1" };
        string? network = null;
        if (hidden.Service)
        {
            if (!ServiceCheckPreconditions.TryGetReadyService(criterion, context, out var service, out instead)) return false;
            if (service.NetworkName is null)
            {
                instead = CheckResult.GraderError(criterion.Id, "The service runs on no network the hidden tests can join.");
                return false;
            }
            network = service.NetworkName;
            environment[HiddenTestsSpec.ServiceUrlVariable] = service.BaseAddress.ToString().TrimEnd('/');
        }
        plan = new TestRunPlan(hidden.Image ?? options.HiddenTestImage, copyIn, environment, network, Hidden: true, hidden.Show);
        return true;
    }

    /// <summary>
    /// The folder given to the job (<c>--hidden-tests</c>, the bot's course configuration) replaces the rubric's,
    /// but only for criteria that declare <c>hidden:</c>; then a repository fetched by the pipeline; then the path.
    /// </summary>
    private static string? ResolveFolder(HiddenTestsSpec hidden, string criterionId, GradingContext context, out string? error)
    {
        error = null;
        var folder = context.HiddenTestsDirectory;
        if (folder is null && context.HiddenTestFolders.TryGetValue(criterionId, out var fetched)) folder = fetched;
        if (folder is null && hidden.Path is { } path) folder = Path.IsPathRooted(path) ? path : Path.Combine(context.RubricDirectory, path);
        if (folder is null)
        {
            error = "The hidden tests come from a repository that was not fetched for this job.";
            return null;
        }
        if (!Directory.Exists(folder))
        {
            error = $"The hidden tests folder '{folder}' does not exist on this runner.";
            return null;
        }
        return Path.GetFullPath(folder);
    }
}
