using Grader.Rubrics.Model;
using Grader.Rubrics.Results;
using Grader.Rubrics.Scoring;
using Grader.Runner.Checkout;
using Grader.Runner.Checks;
using Grader.Runner.Docker;
using Grader.Runner.Gpu;
using Grader.Runner.Service;
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
    private readonly ISubmissionCheckout _checkout;
    private readonly IImageBuilder _builder;
    private readonly IImageInspector _inspector;
    private readonly IDockerJanitor _janitor;
    private readonly ImageReuse _reuse;
    private readonly IReadOnlyDictionary<string, ICheckExecutor> _executors;
    private readonly IServiceLauncher? _launcher;
    private readonly IGpuInventory? _gpuInventory;
    private readonly IGpuAllocator? _gpuAllocator;
    private readonly IGpuSampler? _gpuSampler;
    private readonly RunnerOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger<GradingPipeline> _logger;

    public GradingPipeline(
        ISubmissionCheckout checkout,
        IImageBuilder builder,
        IImageInspector inspector,
        IDockerJanitor janitor,
        ImageReuse reuse,
        IEnumerable<ICheckExecutor> executors,
        IEnumerable<IServiceLauncher> launchers,
        IEnumerable<IGpuInventory> gpuInventories,
        IEnumerable<IGpuAllocator> gpuAllocators,
        IEnumerable<IGpuSampler> gpuSamplers,
        IOptions<RunnerOptions> options,
        TimeProvider time,
        ILogger<GradingPipeline> logger)
    {
        ArgumentNullException.ThrowIfNull(executors);
        ArgumentNullException.ThrowIfNull(options);
        _checkout = checkout;
        _builder = builder;
        _inspector = inspector;
        _janitor = janitor;
        _reuse = reuse;
        // The last registration of a kind wins, as with any DI override.
        _executors = executors.GroupBy(e => e.Kind, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Last(), StringComparer.Ordinal);
        _launcher = launchers?.LastOrDefault();
        _gpuInventory = gpuInventories?.LastOrDefault();
        _gpuAllocator = gpuAllocators?.LastOrDefault();
        _gpuSampler = gpuSamplers?.LastOrDefault();
        _options = options.Value;
        _time = time;
        _logger = logger;
    }

    /// <summary>Start-up sweep for hosts: removes what jobs of this runner left behind (crash, killed host): Docker objects and host firewall rules.</summary>
    public async Task<SweepReport> SweepAsync(CancellationToken cancellationToken)
    {
        var report = await _janitor.SweepAsync(_options.RunnerId, includeReusableImages: false, cancellationToken).ConfigureAwait(false);
        var rules = _launcher is null ? 0 : await _launcher.SweepAsync(_options.RunnerId, cancellationToken).ConfigureAwait(false);
        return report with { HostRules = rules };
    }

    /// <summary>Check kinds this runner can execute.</summary>
    public IReadOnlyCollection<string> SupportedKinds => _executors.Keys.ToList();

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
        var review = RubricScorer.Score(request.Rubric, results);
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
            GpuDriver = job.GpuLease is null ? null : _gpuInventory?.System?.DriverVersion,
        };
    }

    private async Task GradeAsync(PipelineJob job, string workDirectory, CancellationToken cancellationToken)
    {
        var rubric = job.Request.Rubric;
        var submission = await CheckoutAsync(job, workDirectory, cancellationToken).ConfigureAwait(false);
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
        await FetchHiddenTestRepositoriesAsync(job, context, workDirectory, cancellationToken).ConfigureAwait(false);

        // Criteria that cannot run get their result up front; the rest run in rubric order below.
        var imageBlocker = rubric.Criteria.Any(c => CheckKinds.NeedsImage(c.Check))
            ? await BuildAndInspectAsync(job, context, cancellationToken).ConfigureAwait(false)
            : null;
        var gpuBlocker = rubric.NeedsGpu
            ? await LeaseGpusAsync(job, context, cancellationToken).ConfigureAwait(false)
            : null;
        var serviceBlocker = rubric.Criteria.Any(c => c.Check.NeedsService)
            ? await StartServiceAsync(job, context, imageBlocker, gpuBlocker, cancellationToken).ConfigureAwait(false)
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
                    return await RunCheckAsync(job, criterion, context, cancellationToken).ConfigureAwait(false);
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
            job.Results[criterion.Id] = await RunCheckAsync(job, criterion, context, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Hidden tests kept in an instructor repository are fetched on the runner (never into the learner's build
    /// context) and copied into the test container only at test time. A folder given for the job replaces them.
    /// A fetch failure is the grader's: the criterion becomes a grader error, never the learner's failure.
    /// </summary>
    private async Task FetchHiddenTestRepositoriesAsync(PipelineJob job, GradingContext context, string workDirectory, CancellationToken cancellationToken)
    {
        if (context.HiddenTestsDirectory is not null) return;
        foreach (var criterion in job.Request.Rubric.Criteria)
        {
            if (criterion.Check is not TestsCheck { Hidden: { Repository: { } repository } hidden }) continue;
            var step = job.Steps.Start(GradingSteps.Check(criterion.Id) + ":hidden-tests");
            try
            {
                var target = Path.Combine(workDirectory, "hidden", criterion.Id);
                Directory.CreateDirectory(target);
                var fetched = await _checkout.CheckoutAsync(new RemoteRepositorySubmission(new Uri(repository), hidden.Ref), target, cancellationToken).ConfigureAwait(false);
                var folder = Path.GetFullPath(Path.Combine(fetched.Directory, hidden.Subfolder ?? "."));
                if (!folder.StartsWith(Path.GetFullPath(fetched.Directory), StringComparison.Ordinal) || !Directory.Exists(folder))
                {
                    throw new GraderInfrastructureException($"the hidden tests repository has no folder '{hidden.Subfolder}'");
                }
                context.HiddenTestFolders[criterion.Id] = folder;
                step.End(StepStatus.Succeeded, fetched.CommitSha is null ? null : $"commit {fetched.CommitSha[..Math.Min(12, fetched.CommitSha.Length)]}");
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                var message = "could not fetch the hidden tests: " + InfrastructureFailures.Describe(ex);
                step.End(StepStatus.GraderError, message);
                job.AddGraderError(new GraderErrorRecord(GradingSteps.Check(criterion.Id), message, criterion.Id));
            }
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

    private async Task<CheckedOutSubmission?> CheckoutAsync(PipelineJob job, string workDirectory, CancellationToken cancellationToken)
    {
        var step = job.Steps.Start(GradingSteps.Checkout);
        try
        {
            var submission = await _checkout.CheckoutAsync(job.Request.Submission, workDirectory, cancellationToken).ConfigureAwait(false);
            job.CommitSha = submission.CommitSha;
            step.End(StepStatus.Succeeded, CheckoutDetails(submission));
            return submission;
        }
        catch (SubmissionRefusedException ex) when (!cancellationToken.IsCancellationRequested)
        {
            // The learner's repository is over a limit: nothing was written, every criterion is not met.
            var message = "the submission was refused: " + ex.Message;
            step.End(StepStatus.Failed, message);
            foreach (var c in job.Request.Rubric.Criteria) job.Results[c.Id] = CheckResult.NotRunBecause(c.Id, message);
            return null;
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested && ex is not OperationCanceledException)
        {
            var message = "could not check out the submission: " + InfrastructureFailures.Describe(ex);
            step.End(StepStatus.GraderError, message);
            job.GraderErrors.Add(new GraderErrorRecord(GradingSteps.Checkout, message));
            foreach (var c in job.Request.Rubric.Criteria) job.Results[c.Id] = CheckResult.GraderError(c.Id, message);
            return null;
        }
        catch (OperationCanceledException)
        {
            step.End(StepStatus.Cancelled);
            throw;
        }
    }

    /// <summary>The checkout step's details: the commit, and what was left out (the learner must know a link was dropped).</summary>
    private static string? CheckoutDetails(CheckedOutSubmission submission)
    {
        var commit = submission.CommitSha is null ? null : $"commit {submission.CommitSha[..Math.Min(12, submission.CommitSha.Length)]}";
        if (submission.Dropped.Count == 0) return commit;
        const int Shown = 10;
        var dropped = string.Join("; ", submission.Dropped.Take(Shown))
            + (submission.Dropped.Count > Shown ? $"; and {submission.Dropped.Count - Shown} more" : "");
        return (commit is null ? "" : commit + "; ") + dropped;
    }

    private async Task<Blocker?> BuildAndInspectAsync(PipelineJob job, GradingContext context, CancellationToken cancellationToken)
    {
        var buildSpec = job.Request.Rubric.Criteria.Select(c => c.Check).OfType<BuildCheck>().FirstOrDefault() ?? new BuildCheck();
        var contextDirectory = Path.GetFullPath(Path.Combine(context.SubmissionDirectory, buildSpec.Context));
        var relative = Path.GetRelativePath(context.SubmissionDirectory, contextDirectory);
        var outside = Path.IsPathRooted(relative) || relative == ".." || relative.StartsWith(".." + Path.DirectorySeparatorChar, StringComparison.Ordinal);
        if (outside || !Directory.Exists(contextDirectory))
        {
            var missing = $"the build context '{buildSpec.Context}' is not a folder of the submission";
            job.Steps.Skip(GradingSteps.Build, missing);
            context.Build = new ImageBuildOutcome(false, null, "", false, TimeSpan.Zero, false, missing);
            return Blocker.NotRun("the image did not build: " + missing);
        }

        var step = job.Steps.Start(GradingSteps.Build);
        ImageBuildOutcome outcome;
        try
        {
            outcome = await BuildOrReuseAsync(job, context, buildSpec, contextDirectory, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (IsGraderFailure(ex, cancellationToken))
        {
            var message = "the build failed because of the grader: " + InfrastructureFailures.Describe(ex);
            step.End(StepStatus.GraderError, message);
            job.GraderErrors.Add(new GraderErrorRecord(GradingSteps.Build, message));
            return Blocker.Error(message);
        }
        catch (OperationCanceledException)
        {
            step.End(StepStatus.Cancelled);
            throw;
        }
        context.Build = outcome;
        if (outcome.Log.Length > 0) job.Logs.Add(new LogExcerpt("build log", outcome.Log, outcome.LogTruncated));
        if (!outcome.Succeeded)
        {
            var why = outcome.TimedOut ? $"the build took longer than {DurationText.Format(buildSpec.MaxTime)}" : outcome.Error ?? "the build failed";
            step.End(StepStatus.Failed, why);
            return Blocker.NotRun("the image did not build: " + why);
        }
        step.End(StepStatus.Succeeded, job.ImageReused ? "reused the image built from the same context" : null);

        var inspect = job.Steps.Start(GradingSteps.Inspect);
        try
        {
            context.Image = await _inspector.InspectAsync(job.ImageTag!, cancellationToken).ConfigureAwait(false);
            inspect.End(StepStatus.Succeeded, ByteSize.Format(context.Image.Size));
            return null;
        }
        catch (Exception ex) when (IsGraderFailure(ex, cancellationToken))
        {
            var message = "inspecting the image failed: " + InfrastructureFailures.Describe(ex);
            inspect.End(StepStatus.GraderError, message);
            job.GraderErrors.Add(new GraderErrorRecord(GradingSteps.Inspect, message));
            return Blocker.Error(message);
        }
        catch (OperationCanceledException)
        {
            inspect.End(StepStatus.Cancelled);
            throw;
        }
    }

    private async Task<ImageBuildOutcome> BuildOrReuseAsync(PipelineJob job, GradingContext context, BuildCheck spec, string contextDirectory, CancellationToken cancellationToken)
    {
        var jobTag = $"grader-job/{ImageReuse.SafeName(_options.RunnerId)}:{ImageReuse.SafeName(job.Request.JobId)}";
        job.ImageTag = jobTag;
        job.ImageTags.Add(jobTag);
        string? reuseTag = null;
        if (_options.ReuseImages)
        {
            var digest = await ImageReuse.DigestAsync(contextDirectory, spec.Dockerfile, _options.MaxContextBytes, cancellationToken).ConfigureAwait(false);
            if (digest is not null)
            {
                digest = await _reuse.WithBaseImagesAsync(digest, Path.Combine(contextDirectory, spec.Dockerfile), cancellationToken, _options.AllowedBaseImages).ConfigureAwait(false);
            }

            if (digest is not null)
            {
                reuseTag = ImageReuse.TagFor(_options.RunnerId, digest);
                var existing = await _reuse.FindAsync(reuseTag, cancellationToken).ConfigureAwait(false);
                if (existing is not null)
                {
                    await _reuse.TagAsync(reuseTag, jobTag, cancellationToken).ConfigureAwait(false);
                    job.ImageReused = true;
                    LogImageReused(_logger, job.Request.JobId, reuseTag);
                    return new ImageBuildOutcome(true, existing, "", false, TimeSpan.Zero, false, null) { Reused = true };
                }
            }
        }

        var request = new ImageBuildRequest(
            contextDirectory, spec.Dockerfile, jobTag, context.LabelsFor("build"), spec.MaxTime, _options.MaxContextBytes, _options.MaxBuildLogBytes)
        {
            MemoryBytes = _options.BuildMemoryBytes,
            Cpus = _options.BuildCpus,
            Pids = _options.BuildPids,
            DiskBytes = _options.BuildDiskBytes,
            NoFile = _options.BuildNoFile,
            Network = _options.BuildNetwork,
            AllowedBaseImages = _options.AllowedBaseImages,
            CgroupLimits = _options.BuildCgroupLimits,
        };
        var outcome = await _builder.BuildAsync(request, job.Steps.MessagesFor(GradingSteps.Build), cancellationToken).ConfigureAwait(false);
        if (outcome.Succeeded && reuseTag is not null && await _reuse.FitsAsync(jobTag, job.Request.Rubric, cancellationToken).ConfigureAwait(false))
        {
            await _reuse.TagAsync(jobTag, reuseTag, cancellationToken).ConfigureAwait(false);
            await _reuse.TrimAsync(_options.RunnerId, cancellationToken).ConfigureAwait(false);
        }
        return outcome;
    }

    private async Task<Blocker?> LeaseGpusAsync(PipelineJob job, GradingContext context, CancellationToken cancellationToken)
    {
        if (_gpuAllocator is null || _gpuInventory is null || !_gpuInventory.Available)
        {
            var reason = _gpuInventory?.UnavailableReason ?? "no GPU on this runner";
            var message = reason.StartsWith("no GPU", StringComparison.OrdinalIgnoreCase) ? reason : "no GPU on this runner: " + reason;
            job.Steps.Skip(GradingSteps.Gpu, message);
            job.GraderErrors.Add(new GraderErrorRecord(GradingSteps.Gpu, message));
            return Blocker.Error(message, fromGpu: true);
        }
        var step = job.Steps.Start(GradingSteps.Gpu);
        try
        {
            context.Gpus = await _gpuAllocator.AcquireAsync(1, cancellationToken).ConfigureAwait(false);
            job.GpuLease = context.Gpus;
            step.End(StepStatus.Succeeded, string.Join(", ", context.Gpus.Devices.Select(d => d.Name)));
            return null;
        }
        catch (Exception ex) when (IsGraderFailure(ex, cancellationToken))
        {
            var message = "no GPU could be leased: " + InfrastructureFailures.Describe(ex);
            step.End(StepStatus.GraderError, message);
            job.GraderErrors.Add(new GraderErrorRecord(GradingSteps.Gpu, message));
            return Blocker.Error(message, fromGpu: true);
        }
        catch (OperationCanceledException)
        {
            step.End(StepStatus.Cancelled);
            throw;
        }
    }

    private async Task<Blocker?> StartServiceAsync(PipelineJob job, GradingContext context, Blocker? imageBlocker, Blocker? gpuBlocker, CancellationToken cancellationToken)
    {
        if (imageBlocker is not null)
        {
            job.Steps.Skip(GradingSteps.ServiceStart, imageBlocker.Message);
            return null; // the image blocker already covers every service check
        }
        var spec = job.Request.Rubric.Service ?? new ServiceSpec();
        if (spec.Gpu && gpuBlocker is not null)
        {
            job.Steps.Skip(GradingSteps.ServiceStart, gpuBlocker.Message);
            return gpuBlocker;
        }
        if (_launcher is null)
        {
            const string message = "service checks are not supported by this runner";
            job.Steps.Skip(GradingSteps.ServiceStart, message);
            job.GraderErrors.Add(new GraderErrorRecord(GradingSteps.ServiceStart, message));
            return Blocker.Error(message);
        }
        var step = job.Steps.Start(GradingSteps.ServiceStart);
        try
        {
            var gpuIds = spec.Gpu && context.Gpus is not null ? context.Gpus.Devices.Select(d => d.Uuid).ToList() : [];
            var request = new ServiceLaunchRequest(job.ImageTag!, spec, job.Request.Rubric.Limits, context.LabelsFor("service"), gpuIds);
            var outcome = await _launcher.StartAsync(request, cancellationToken).ConfigureAwait(false);
            context.ServiceStart = outcome;
            job.Service = outcome.Service;
            step.End(outcome.Ready ? StepStatus.Succeeded : StepStatus.Failed, outcome.Ready ? $"ready after {DurationText.Format(outcome.TimeToReady)}" : outcome.Error);
            // A service that never became ready is the learner's: the service checks report it from context.ServiceStart.
            return null;
        }
        catch (Exception ex) when (IsGraderFailure(ex, cancellationToken))
        {
            var message = "the service could not be started because of the grader: " + InfrastructureFailures.Describe(ex);
            step.End(StepStatus.GraderError, message);
            job.GraderErrors.Add(new GraderErrorRecord(GradingSteps.ServiceStart, message));
            return Blocker.Error(message);
        }
        catch (OperationCanceledException)
        {
            step.End(StepStatus.Cancelled);
            throw;
        }
    }

    /// <summary>
    /// Runs a check; when the job holds GPUs and the check is a step a <c>gpu</c> criterion can name (tests,
    /// benchmark, load), NVML is sampled meanwhile and the summary kept under that step's name.
    /// </summary>
    /// <param name="jobContext">The job's own context, which keeps the telemetry (the executor gets a per-check copy).</param>
    private async Task<CheckResult> ExecuteSampledAsync(ICheckExecutor executor, Criterion criterion, GradingContext context, GradingContext jobContext, CancellationToken cancellationToken)
    {
        if (_gpuSampler is null || context.Gpus is null || !CheckKinds.IsGpuMeasuredStep(criterion.Check))
        {
            return await executor.ExecuteAsync(criterion, context, cancellationToken).ConfigureAwait(false);
        }
        var interval = context.Rubric.Criteria.Select(c => c.Check).OfType<GpuCheck>().Select(g => g.SampleInterval).DefaultIfEmpty(TimeSpan.FromMilliseconds(200)).Min();
        var session = _gpuSampler.Start(context.Gpus.Devices, interval);
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

    private async Task<CheckResult> RunCheckAsync(PipelineJob job, Criterion criterion, GradingContext context, CancellationToken cancellationToken)
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

    private static bool IsGraderFailure(Exception ex, CancellationToken cancellationToken) =>
        !cancellationToken.IsCancellationRequested && ex is not OperationCanceledException && InfrastructureFailures.IsInfrastructure(ex);

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

    [LoggerMessage(Level = LogLevel.Information, Message = "Job {JobId}: reusing image {Tag} built from the same context")]
    private static partial void LogImageReused(ILogger logger, string jobId, string tag);

    [LoggerMessage(Level = LogLevel.Error, Message = "Job {JobId}: the check of criterion {CriterionId} threw")]
    private static partial void LogCheckCrashed(ILogger logger, Exception exception, string jobId, string criterionId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Job {JobId}: {Step} failed; the start-up sweep will remove leftovers")]
    private static partial void LogCleanupFailed(ILogger logger, Exception exception, string jobId, string step);
}
