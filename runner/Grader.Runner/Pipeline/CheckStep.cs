using Grader.Rubrics.Model;
using Grader.Rubrics.Results;
using Grader.Runner.Checks;
using Grader.Runner.Gpu;
using Microsoft.Extensions.Logging;

namespace Grader.Runner.Pipeline;

/// <summary>
/// One criterion's check: finds its executor, runs it with the step's progress sink (sampling the GPUs when the
/// check is a measured step), and turns anything it throws into a grader error, never a learner's failure.
/// </summary>
internal sealed partial class CheckStep
{
    private readonly IReadOnlyDictionary<string, ICheckExecutor> _executors;
    private readonly IGpuSampler _sampler;
    private readonly ILogger<CheckStep> _logger;

    public CheckStep(IEnumerable<ICheckExecutor> executors, IGpuSampler sampler, ILogger<CheckStep> logger)
    {
        ArgumentNullException.ThrowIfNull(executors);
        // The last registration of a kind wins, as with any DI override.
        _executors = executors.GroupBy(e => e.Kind, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Last(), StringComparer.Ordinal);
        _sampler = sampler;
        _logger = logger;
    }

    /// <summary>Check kinds this runner can execute.</summary>
    public IReadOnlyCollection<string> SupportedKinds => _executors.Keys.ToList();

    /// <summary>
    /// Runs a check; when the job holds GPUs and the check is a step a <c>gpu</c> criterion can name (tests,
    /// benchmark, load), NVML is sampled meanwhile and the summary kept under that step's name.
    /// </summary>
    /// <param name="jobContext">The job's own context, which keeps the telemetry (the executor gets a per-check copy).</param>
    private async Task<CheckResult> ExecuteSampledAsync(ICheckExecutor executor, Criterion criterion, GradingContext context, GradingContext jobContext, CancellationToken cancellationToken)
    {
        if (context.Gpus is null || !CheckKinds.IsGpuMeasuredStep(criterion.Check))
        {
            return await executor.ExecuteAsync(criterion, context, cancellationToken).ConfigureAwait(false);
        }
        var interval = context.Rubric.Criteria.Select(c => c.Check).OfType<GpuCheck>().Select(g => g.SampleInterval).DefaultIfEmpty(TimeSpan.FromMilliseconds(200)).Min();
        var session = _sampler.Start(context.Gpus.Devices, interval);
        try
        {
            return await executor.ExecuteAsync(criterion, context, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            var summary = await session.StopAsync().ConfigureAwait(false);
            await session.DisposeAsync().ConfigureAwait(false);
            lock (jobContext.GpuTelemetry)
            {
                foreach (var stepName in CheckKinds.GpuStepNames(criterion.Check))
                {
                    jobContext.GpuTelemetry[stepName] = jobContext.GpuTelemetry.TryGetValue(stepName, out var earlier)
                        ? GpuTelemetrySummaries.Combine(earlier, summary)
                        : summary;
                }
            }
        }
    }

    public async Task<CheckResult> RunAsync(PipelineJob job, Criterion criterion, GradingContext context, CancellationToken cancellationToken)
    {
        var name = GradingSteps.Check(criterion.Id);
        if (!_executors.TryGetValue(criterion.Check.Kind, out var executor))
        {
            var missing = $"this runner has no executor for '{criterion.Check.Kind}' checks";
            job.Steps.Skip(name, missing);
            job.AddGraderError(new GraderErrorRecord(name, missing, criterion.Id));
            return CheckResult.GraderError(criterion.Id, missing);
        }
        var step = job.Steps.Start(name);
        var checkContext = WithProgress(context, job.Steps.MessagesFor(name));
        try
        {
            var result = await ExecuteSampledAsync(executor, criterion, checkContext, context, cancellationToken).ConfigureAwait(false);
            if (result.CriterionId != criterion.Id) result = result with { CriterionId = criterion.Id };
            step.End(StatusOf(result.Status), result.Message);
            if (result.Status == CheckStatus.GraderError) job.AddGraderError(new GraderErrorRecord(name, result.Message ?? "grader error", criterion.Id));
            return result;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            step.End(StepStatus.Cancelled);
            throw;
        }
        catch (Exception ex)
        {
            // An executor that throws is a grader failure whatever the exception: never the learner's score.
            var message = InfrastructureFailures.IsInfrastructure(ex)
                ? InfrastructureFailures.Describe(ex)
                : $"the '{criterion.Check.Kind}' check failed unexpectedly: {ex.GetType().Name}: {ex.Message}";
            LogCheckCrashed(_logger, ex, job.Request.JobId, criterion.Id);
            step.End(StepStatus.GraderError, message);
            job.AddGraderError(new GraderErrorRecord(name, message, criterion.Id));
            return CheckResult.GraderError(criterion.Id, message);
        }
    }

    /// <summary>
    /// The job's context with this check's progress sink, so messages name the right step. A shallow copy: the
    /// build, image, service, GPU lease, telemetry and hidden-test folders are the job's own objects.
    /// </summary>
    private static GradingContext WithProgress(GradingContext context, IProgress<string> progress) => context with { Progress = progress };

    private static StepStatus StatusOf(CheckStatus status) => status switch
    {
        CheckStatus.Passed => StepStatus.Succeeded,
        CheckStatus.GraderError => StepStatus.GraderError,
        _ => StepStatus.Failed,
    };

    [LoggerMessage(Level = LogLevel.Error, Message = "Job {JobId}: the check of criterion {CriterionId} threw")]
    private static partial void LogCheckCrashed(ILogger logger, Exception exception, string jobId, string criterionId);
}
