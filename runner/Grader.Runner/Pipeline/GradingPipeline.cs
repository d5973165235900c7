using Grader.Rubrics.Model;
using Grader.Rubrics.Results;
using Grader.Rubrics.Scoring;
using Grader.Runner.Checks;
using Grader.Runner.Docker;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Grader.Runner.Pipeline;

/// <summary>
/// Grades one submission: checkout, build, inspect, GPU lease, service start, every criterion's check, then
/// stop and clean up whatever happened. Learner failures become not-met results; grader failures become
/// grader-error results (never a low score); cancellation cleans up and surfaces <see cref="OperationCanceledException"/>.
/// </summary>
public sealed partial class GradingPipeline
{
    private readonly CheckoutStep _checkout;
    private readonly ImageStep _image;
    private readonly ReferenceStep _references;
    private readonly GpuStep _gpu;
    private readonly ServiceStep _service;
    private readonly CheckStep _checks;
    private readonly IDockerJanitor _janitor;
    private readonly RunnerOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger<GradingPipeline> _logger;

    internal GradingPipeline(
        CheckoutStep checkout,
        ImageStep image,
        ReferenceStep references,
        GpuStep gpu,
        ServiceStep service,
        CheckStep checks,
        IDockerJanitor janitor,
        IOptions<RunnerOptions> options,
        TimeProvider time,
        ILogger<GradingPipeline> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        _checkout = checkout;
        _image = image;
        _references = references;
        _gpu = gpu;
        _service = service;
        _checks = checks;
        _janitor = janitor;
        _options = options.Value;
        _time = time;
        _logger = logger;
    }

    /// <summary>Start-up sweep for hosts: removes what jobs of this runner left behind (crash, killed host): Docker objects and host firewall rules.</summary>
    public async Task<SweepReport> SweepAsync(CancellationToken cancellationToken)
    {
        var report = await _janitor.SweepAsync(_options.RunnerId, includeReusableImages: false, cancellationToken).ConfigureAwait(false);
        var rules = await _service.SweepAsync(_options.RunnerId, cancellationToken).ConfigureAwait(false);
        return report with { HostRules = rules };
    }

    /// <summary>Check kinds this runner can execute.</summary>
    public IReadOnlyCollection<string> SupportedKinds => _checks.SupportedKinds;

    public async Task<GradingRun> RunAsync(GradingRequest request, IProgress<GradingProgress>? progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var job = new PipelineJob(request, new StepRecorder(progress, _time), _time.GetUtcNow());
        var workDirectory = Path.Combine(Path.GetFullPath(_options.WorkRoot), request.JobId);
        Directory.CreateDirectory(workDirectory);
        LogJobStarted(_logger, request.JobId, request.Rubric.Module.Id, request.Submission.Describe());
        try
        {
            await GradeAsync(job, workDirectory, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            LogJobCancelled(_logger, request.JobId);
            throw;
        }
        finally
        {
            await CleanUpAsync(job, workDirectory).ConfigureAwait(false);
        }

        var results = request.Rubric.Criteria
            .Select(c => job.Results.TryGetValue(c.Id, out var r) ? r : CheckResult.GraderError(c.Id, "the grader did not run this check"))
            .ToList();
        var context = SubmissionContext.Create(_time, request.SubmittedAt, request.Extension, request.ResultsPublished);
        var review = RubricScorer.Score(request.Rubric, results, context);
        LogJobFinished(_logger, request.JobId, review.Summary);
        return new GradingRun
        {
            Request = request,
            RunnerId = _options.RunnerId,
            CommitSha = job.CommitSha,
            StartedAt = job.StartedAt,
            FinishedAt = _time.GetUtcNow(),
            Steps = [.. job.Steps.Steps],
            Results = results,
            Review = review,
            GraderErrors = [.. job.GraderErrors],
            Logs = job.Logs,
            ImageReused = job.ImageReused,
            ImageId = job.Context?.Image?.Id,
            GpuModels = job.GpuLease?.Devices.Select(d => d.Name).ToList() ?? [],
            GpuDriver = job.GpuLease is null ? null : _gpu.DriverVersion,
        };
    }

    private async Task GradeAsync(PipelineJob job, string workDirectory, CancellationToken cancellationToken)
    {
        var rubric = job.Request.Rubric;
        var submission = await _checkout.CheckoutAsync(job, workDirectory, cancellationToken).ConfigureAwait(false);
        if (submission is null) return;

        var context = new GradingContext
        {
            JobId = job.Request.JobId,
            RunnerId = _options.RunnerId,
            Rubric = rubric,
            SubmissionDirectory = submission.Directory,
            WorkDirectory = workDirectory,
            CommitSha = submission.CommitSha,
            HiddenTestsDirectory = job.Request.HiddenTestsDirectory,
            Repository = job.Request.Repository,
        };
        job.Context = context;
        await _checkout.FetchHiddenTestRepositoriesAsync(job, context, workDirectory, cancellationToken).ConfigureAwait(false);

        // Criteria that cannot run get their result up front; the rest run in rubric order below.
        var imageBlocker = rubric.Criteria.Any(c => CheckKinds.NeedsImage(c.Check))
            ? await _image.RunAsync(job, context, cancellationToken).ConfigureAwait(false)
            : null;
        // A reference is measured only against a learner's image that built.
        if (imageBlocker is null && rubric.Criteria.Any(c => c.Check is BenchmarkCheck { Reference: not null }))
        {
            await _references.BuildAsync(job, context, workDirectory, cancellationToken).ConfigureAwait(false);
        }
        var gpuBlocker = rubric.NeedsGpu
            ? await _gpu.LeaseAsync(job, context, cancellationToken).ConfigureAwait(false)
            : null;
        var serviceBlocker = rubric.Criteria.Any(c => c.Check.NeedsService)
            ? await _service.StartAsync(job, context, imageBlocker, gpuBlocker, cancellationToken).ConfigureAwait(false)
            : null;

        // Checks that only read the image or run it in their own container (tests, size, Dockerfile, files) run
        // side by side; measurements (benchmarks, GPU telemetry) and service checks run alone, one after another,
        // so concurrent work cannot distort them.
        var runnable = new List<Criterion>();
        foreach (var criterion in rubric.Criteria)
        {
            var blocker = BlockerFor(criterion.Check, imageBlocker, gpuBlocker, serviceBlocker);
            if (blocker is not null) job.Results[criterion.Id] = blocker.ResultFor(criterion.Id);
            else runnable.Add(criterion);
        }
        var concurrent = runnable.Where(c => CheckKinds.CanRunConcurrently(c.Check)).ToList();
        using (var slots = new SemaphoreSlim(Math.Max(1, _options.MaxConcurrentChecks)))
        {
            var results = await Task.WhenAll(concurrent.Select(async criterion =>
            {
                await slots.WaitAsync(cancellationToken).ConfigureAwait(false);
                try
                {
                    return await _checks.RunAsync(job, criterion, context, cancellationToken).ConfigureAwait(false);
                }
                finally
                {
                    slots.Release();
                }
            })).ConfigureAwait(false);
            foreach (var result in results) job.Results[result.CriterionId] = result;
        }
        // GPU checks read the telemetry of the steps before them; recovery checks kill the service, so they go last.
        foreach (var criterion in runnable.Except(concurrent).OrderBy(c => CheckKinds.Phase(c.Check)))
        {
            cancellationToken.ThrowIfCancellationRequested();
            job.Results[criterion.Id] = await _checks.RunAsync(job, criterion, context, cancellationToken).ConfigureAwait(false);
        }
    }

    private static Blocker? BlockerFor(CheckSpec check, Blocker? image, Blocker? gpu, Blocker? service)
    {
        // The build check reports a failed build itself; a grader error in the build blocks it too.
        if (image is not null && CheckKinds.NeedsImage(check) && !(CheckKinds.IsBuild(check) && !image.GraderError)) return image;
        if (gpu is not null && (check.NeedsGpu || (check.NeedsService && service is not null && service.FromGpu))) return gpu;
        if (service is not null && check.NeedsService) return service;
        return null;
    }

    /// <summary>Stops the service, returns GPUs, removes the job's Docker objects and folder: also after a failure or cancellation.</summary>
    private async Task CleanUpAsync(PipelineJob job, string workDirectory)
    {
        using var deadline = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        if (job.Service is not null)
        {
            var stop = job.Steps.Start(GradingSteps.ServiceStop);
            try
            {
                var logs = await job.Service.GetLogsAsync(deadline.Token).ConfigureAwait(false);
                if (logs.Length > 0) job.Logs.Add(new LogExcerpt("service log", logs));
                await job.Service.DisposeAsync().ConfigureAwait(false);
                stop.End(StepStatus.Succeeded);
            }
            catch (Exception ex) when (ex is not OperationCanceledException || deadline.IsCancellationRequested)
            {
                LogCleanupFailed(_logger, ex, job.Request.JobId, GradingSteps.ServiceStop);
                stop.End(StepStatus.GraderError, InfrastructureFailures.Describe(ex));
            }
        }
        if (job.GpuLease is not null) await job.GpuLease.DisposeAsync().ConfigureAwait(false);

        var cleanup = job.Steps.Start(GradingSteps.Cleanup);
        try
        {
            await _janitor.CleanupJobAsync(_options.RunnerId, job.Request.JobId, job.ImageTags, deadline.Token).ConfigureAwait(false);
            if (!_options.KeepWorkDirectories && Directory.Exists(workDirectory)) Directory.Delete(workDirectory, recursive: true);
            cleanup.End(StepStatus.Succeeded);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || deadline.IsCancellationRequested)
        {
            // Leftovers are removed by the next start-up sweep; the grading result stands.
            LogCleanupFailed(_logger, ex, job.Request.JobId, GradingSteps.Cleanup);
            cleanup.End(StepStatus.GraderError, InfrastructureFailures.Describe(ex));
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Job {JobId}: grading {Submission} against {Module}")]
    private static partial void LogJobStarted(ILogger logger, string jobId, string module, string submission);

    [LoggerMessage(Level = LogLevel.Information, Message = "Job {JobId}: {Summary}")]
    private static partial void LogJobFinished(ILogger logger, string jobId, string summary);

    [LoggerMessage(Level = LogLevel.Information, Message = "Job {JobId}: cancelled")]
    private static partial void LogJobCancelled(ILogger logger, string jobId);



    [LoggerMessage(Level = LogLevel.Warning, Message = "Job {JobId}: {Step} failed; the start-up sweep will remove leftovers")]
    private static partial void LogCleanupFailed(ILogger logger, Exception exception, string jobId, string step);
}
