using Grader.Rubrics.Model;
using Grader.Rubrics.Results;
using Grader.Runner.Service;

namespace Grader.Runner.Checks;

/// <summary>What every service check needs first: a service that started and became ready.</summary>
public static class ServiceCheckPreconditions
{
    /// <summary>The ready service, or the result to return instead (not run, or grader error when the pipeline never started it).</summary>
    public static bool TryGetReadyService(Criterion criterion, GradingContext context, out IRunningService service, out CheckResult instead)
    {
        ArgumentNullException.ThrowIfNull(criterion);
        ArgumentNullException.ThrowIfNull(context);
        service = null!;
        instead = null!;
        var start = context.ServiceStart;
        if (start is null)
        {
            instead = context.Build is { Succeeded: false } || (context.Build is not null && context.Image is null)
                ? CheckResult.NotRunBecause(criterion.Id, "The service could not start because the image did not build.")
                : CheckResult.GraderError(criterion.Id, "The grader did not start the service before its checks.");
            return false;
        }
        if (!start.Ready || start.Service is null)
        {
            instead = CheckResult.NotRunBecause(criterion.Id, start.Error ?? "The service did not become ready.") with
            {
                Logs = string.IsNullOrEmpty(start.Logs) ? [] : [new LogExcerpt("Service log", start.Logs)],
            };
            return false;
        }
        service = start.Service;
        return true;
    }
}
