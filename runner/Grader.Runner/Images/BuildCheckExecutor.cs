using Grader.Rubrics.Model;
using Grader.Rubrics.Results;
using Grader.Runner.Checks;

namespace Grader.Runner.Images;

/// <summary>
/// <c>build</c>: the image built (the pipeline ran the build and put its outcome in the context) within
/// <see cref="BuildCheck.MaxTime"/>. Measure: build seconds.
/// </summary>
public sealed class BuildCheckExecutor() : CheckExecutor<BuildCheck>(CheckKind.Build)
{
    private const int LogExcerptChars = 6_000;

    protected override Task<CheckResult> ExecuteAsync(Criterion criterion, BuildCheck spec, GradingContext context, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var build = context.Build;
        if (build is null) return Task.FromResult(CheckResult.GraderError(criterion.Id, "The build step did not run."));

        var duration = build.Reused ? "no time (reused)" : CheckText.Duration(build.Duration);
        var maxTime = CheckText.Duration(spec.MaxTime);
        var values = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["duration"] = duration,
            ["max_time"] = maxTime,
            ["error"] = build.Error ?? "",
        };
        var (tail, cut) = CheckText.Tail(build.Log, LogExcerptChars);
        var logs = new[] { new LogExcerpt("Build log", tail, cut || build.LogTruncated) };

        CheckResult result;
        if (build.Succeeded && build.Duration <= spec.MaxTime)
        {
            result = new CheckResult
            {
                CriterionId = criterion.Id,
                Status = CheckStatus.Passed,
                Measure = build.Duration.TotalSeconds,
                Values = values,
                Message = build.Reused
                    ? "The image builds: the same files and base images built before, so that image was reused."
                    : $"The image built in {duration}.",
                Duration = build.Duration,
            };
        }
        else
        {
            var message = build switch
            {
                { Succeeded: true } => $"The image built in {duration}, over the limit of {maxTime}.",
                { TimedOut: true } => $"The build did not finish within {CheckText.Duration(build.Duration)} and was stopped.",
                _ => $"The image did not build: {CheckText.FirstLine(build.Error, 500)}",
            };
            result = new CheckResult
            {
                CriterionId = criterion.Id,
                Status = CheckStatus.Failed,
                Measure = build.Duration.TotalSeconds,
                Values = values,
                Message = message,
                Logs = logs,
                Duration = build.Duration,
            };
        }
        return Task.FromResult(result);
    }
}
