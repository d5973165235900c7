using System.Diagnostics;
using System.IO.Pipelines;
using System.Net;
using System.Text;
using System.Text.RegularExpressions;
using Docker.DotNet;
using Docker.DotNet.Models;
using Grader.Rubrics.Model;
using Grader.Runner.Checkout;
using Grader.Runner.Dockerfiles;
using Microsoft.Extensions.Logging;

namespace Grader.Runner.Docker;

/// <summary>
/// Builds a learner's image with the engine's classic builder from a streamed tar of the context, bounded and isolated
/// (see runner/README.md, "Builds"): the Dockerfile's references are checked first (<see cref="BuildReferencePolicy"/>);
/// RUN steps run in a cgroup the runner prepared (process and memory limits), with CPU and memory limits per step,
/// core dumps off and an open-files limit, and no network unless egress mode gives them a guarded one; no cache is
/// shared between builds; the bytes the build writes are watched while it runs, and a build over its disk bound, like
/// every failed build, leaves no image behind. Nothing of the runner reaches the build: no build args, secrets or mounts.
/// </summary>
public sealed partial class DockerImageBuilder : IImageBuilder
{
    private const long CpuPeriod = 100_000;

    private static readonly TimeSpan MinimumPoll = TimeSpan.FromMilliseconds(50);

    /// <summary>How long to wait for the engine to remove a cancelled build's container before removing it ourselves.</summary>
    private static readonly TimeSpan CleanupDeadline = TimeSpan.FromSeconds(30);

    private readonly IDockerClient _docker;
    private readonly ILogger<DockerImageBuilder> _logger;
    private readonly BuildIsolation _isolation;

    public DockerImageBuilder(IDockerClient docker, ILogger<DockerImageBuilder> logger, BuildIsolation? isolation = null)
    {
        _docker = docker;
        _logger = logger;
        _isolation = isolation ?? new BuildIsolation(docker);
    }

    public async Task<ImageBuildOutcome> BuildAsync(ImageBuildRequest request, IProgress<string>? progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var stopwatch = Stopwatch.StartNew();
        var log = new BoundedOutput(request.MaxLogBytes);
        ImageBuildOutcome Fail(string error, bool timedOut = false) =>
            new(false, null, log.ToString(), log.Truncated, stopwatch.Elapsed, timedOut, error);

        var context = Path.GetFullPath(request.ContextDirectory);
        if (!Directory.Exists(context)) return Fail($"The build context folder '{request.ContextDirectory}' does not exist.");
        var dockerfilePath = Path.GetFullPath(Path.Combine(context, request.Dockerfile));
        if (!dockerfilePath.StartsWith(context + Path.DirectorySeparatorChar, StringComparison.Ordinal))
        {
            return Fail($"The Dockerfile '{request.Dockerfile}' is outside the build context.");
        }
        if (UnixFileType.Of(dockerfilePath) != UnixFileKind.Regular)
        {
            return Fail($"No Dockerfile found at '{request.Dockerfile}' in the build context.");
        }

        await EnsureEngineAsync(cancellationToken).ConfigureAwait(false);

        var references = await CheckReferencesAsync(dockerfilePath, request, cancellationToken).ConfigureAwait(false);
        if (references.Refusal is not null)
        {
            log.Append(references.Refusal + "\n");
            LogBuildRefused(_logger, request.Tag, references.Refusal);
            return Fail(references.Refusal);
        }

        IReadOnlyList<ContextEntry> entries;
        try
        {
            entries = BuildContextArchive.Plan(context, request.Dockerfile, request.MaxContextBytes);
        }
        catch (BuildContextTooLargeException e)
        {
            return Fail(e.Message);
        }

        await using var sandbox = await _isolation.PrepareAsync(BuildIdentity.Of(request), request, cancellationToken).ConfigureAwait(false);
        var ledger = new BuildLayerLedger(_docker, DateTimeOffset.UtcNow, ct => ResolveBaseIdsAsync(references.Images, ct));
        ledger.TrustRoots(await ResolveBaseIdsAsync(references.Images, cancellationToken).ConfigureAwait(false));
        var watch = new BuildWatch(_docker, ledger, sandbox.Cgroup, _logger);
        var monitor = new BuildLogMonitor(log, progress, watch, ledger);

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(request.Timeout);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(timeout.Token);
        using var guardStop = new CancellationTokenSource();
        var guard = GuardAsync(watch, request, stop, guardStop.Token);
        var pipe = new Pipe(new PipeOptions(pauseWriterThreshold: 1 << 20, resumeWriterThreshold: 512 << 10));
        var writer = WriteContextAsync(entries, pipe.Writer, request.MaxContextBytes, stop.Token);
        LogBuildStarted(_logger, request.Tag, entries.Count, sandbox.Cgroup?.Parent ?? "(none)", sandbox.NetworkMode);
        string? failure = null;
        try
        {
            await using var body = pipe.Reader.AsStream();
            var api = new DockerBuildApi(_docker.Configuration.EndpointBaseUri);
            await api.BuildAsync(DockerBuildApi.Query(QueryFor(request, sandbox)), body, monitor.Report, stop.Token).ConfigureAwait(false);
            await writer.ConfigureAwait(false);
        }
        catch (BuildContextTooLargeException e)
        {
            failure = e.Message;
        }
        catch (Exception e) when (stop.IsCancellationRequested && !timeout.IsCancellationRequested)
        {
            // The guard stopped the build (disk bound, isolation fault); it says why below.
            LogBuildStopped(_logger, request.Tag, e);
        }
        catch (Exception e) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            LogBuildTimedOut(_logger, request.Tag, request.Timeout, e);
            await StopAndCleanAsync(watch, ledger, guardStop, guard, keep: null).ConfigureAwait(false);
            log.Append($"\n[the build was stopped after {DurationText.Format(request.Timeout)}]\n");
            return Fail($"The build did not finish within {DurationText.Format(request.Timeout)} and was stopped.", timedOut: true);
        }
        catch (OperationCanceledException)
        {
            await StopAndCleanAsync(watch, ledger, guardStop, guard, keep: null).ConfigureAwait(false);
            throw;
        }
        catch (DockerApiException e)
        {
            // The engine answered and refused the build (bad Dockerfile reference, unreadable context): the submission's fault.
            failure = await WriterFaultAsync(writer).ConfigureAwait(false);
            if (failure is null)
            {
                log.Append(e.ResponseBody ?? e.Message);
                failure = CleanError(e.ResponseBody) ?? $"The engine refused the build ({(int)e.StatusCode}).";
            }
        }
        catch (Exception e) when (e is HttpRequestException or IOException or System.Net.Sockets.SocketException)
        {
            failure = await WriterFaultAsync(writer).ConfigureAwait(false);
            if (failure is null)
            {
                await StopAndCleanAsync(watch, ledger, guardStop, guard, keep: null).ConfigureAwait(false);
                throw new GraderInfrastructureException($"The Docker engine failed during the build of {request.Tag}: {e.Message}", e);
            }
        }

        var verdict = await StopGuardAsync(guardStop, guard).ConfigureAwait(false);
        if (verdict.Fault is not null || watch.IsolationFault is not null)
        {
            await StopAndCleanAsync(watch, ledger, guardStop, guard, keep: null).ConfigureAwait(false);
            throw new GraderInfrastructureException($"The build of {request.Tag} could not be kept within its bounds: {verdict.Fault ?? watch.IsolationFault}");
        }
        if (verdict.ExceededBytes is { } written)
        {
            await StopAndCleanAsync(watch, ledger, guardStop, guard, keep: null).ConfigureAwait(false);
            var message = DiskMessage(request.DiskBytes, written);
            log.Append($"\n[{message}]\n");
            LogBuildOverDisk(_logger, request.Tag, written, request.DiskBytes);
            return Fail(message);
        }
        failure ??= monitor.Error is { } error ? ExplainFailure(error, log.ToString(), request) : null;
        if (failure is not null)
        {
            LogBuildFailed(_logger, request.Tag, failure);
            await StopAndCleanAsync(watch, ledger, guardStop, guard, keep: null).ConfigureAwait(false);
            return Fail(failure);
        }

        ImageInspectResponse image;
        try
        {
            image = await _docker.Images.InspectImageAsync(request.Tag, cancellationToken).ConfigureAwait(false);
        }
        catch (DockerImageNotFoundException)
        {
            await StopAndCleanAsync(watch, ledger, guardStop, guard, keep: null).ConfigureAwait(false);
            return Fail("The build ended without producing an image.");
        }
        await ledger.UpdateAsync(cancellationToken).ConfigureAwait(false);
        var own = Math.Max(ledger.OwnBytes, await OwnBytesAsync(image, references.Images, cancellationToken).ConfigureAwait(false));
        if (own > request.DiskBytes)
        {
            // Measured after the fact (a step between two polls): the image is not kept.
            await RemoveImageAsync(request.Tag).ConfigureAwait(false);
            await StopAndCleanAsync(watch, ledger, guardStop, guard, keep: null).ConfigureAwait(false);
            var message = DiskMessage(request.DiskBytes, own);
            log.Append($"\n[{message}]\n");
            LogBuildOverDisk(_logger, request.Tag, own, request.DiskBytes);
            return Fail(message);
        }
        await StopAndCleanAsync(watch, ledger, guardStop, guard, keep: image.ID).ConfigureAwait(false);
        LogBuildSucceeded(_logger, request.Tag, image.ID, stopwatch.Elapsed, watch.PeakBytes);
        return new ImageBuildOutcome(true, image.ID, log.ToString(), log.Truncated, stopwatch.Elapsed, false, null);
    }

    private static BuildQuery QueryFor(ImageBuildRequest request, BuildSandbox sandbox) => new(
        request.Tag,
        request.Dockerfile.Replace('\\', '/'),
        new Dictionary<string, string>(request.Labels, StringComparer.Ordinal),
        // One learner never gets another learner's cached layer (a cache hit would also tell them what others built).
        NoCache: true,
        sandbox.NetworkMode,
        sandbox.Cgroup?.Parent,
        ContainerHardening.BuildUlimits(request.NoFile),
        request.MemoryBytes,
        request.Cpus is null ? null : CpuPeriod,
        request.Cpus is { } cpus ? (long)(cpus * CpuPeriod) : null);

    private sealed record ReferenceCheck(string? Refusal, IReadOnlyList<string> Images);

    /// <summary>The Dockerfile as the engine will read it: refused (with each line) when it references what builds may not use.</summary>
    private static async Task<ReferenceCheck> CheckReferencesAsync(string dockerfilePath, ImageBuildRequest request, CancellationToken cancellationToken)
    {
        IReadOnlyList<DockerfileInstruction> instructions;
        try
        {
            instructions = await DockerfileParser.ParseFileAsync(dockerfilePath, cancellationToken).ConfigureAwait(false);
        }
        catch (DockerfileFormatException e)
        {
            return new ReferenceCheck($"{request.Dockerfile}:{e.Line}: {e.Message}", []);
        }
        var violations = new BuildReferencePolicy(request.AllowedBaseImages).Check(instructions);
        if (violations.Count > 0)
        {
            var text = new StringBuilder("The Dockerfile uses what builds on this grader may not:");
            foreach (var violation in violations) text.Append('\n').Append(request.Dockerfile).Append(':').Append(violation.Line).Append(": ").Append(violation.Message);
            return new ReferenceCheck(text.ToString(), []);
        }
        var images = DockerfileStages.References(instructions).Where(r => r.IsImage).Select(r => r.Image!).Distinct(StringComparer.Ordinal).ToList();
        return new ReferenceCheck(null, images);
    }

    /// <summary>The local ids of the (allowed) base images by name; one not present yet is pulled by the engine and resolved later.</summary>
    private async Task<IReadOnlyCollection<string>> ResolveBaseIdsAsync(IReadOnlyList<string> images, CancellationToken cancellationToken)
    {
        var ids = new List<string>();
        foreach (var name in images)
        {
            try
            {
                ids.Add((await _docker.Images.InspectImageAsync(name, cancellationToken).ConfigureAwait(false)).ID);
            }
            catch (DockerApiException)
            {
                // Not local (yet).
            }
        }
        return ids;
    }

    /// <summary>Bytes of the image above its base: its size less the largest base image whose layers it starts with.</summary>
    private async Task<long> OwnBytesAsync(ImageInspectResponse image, IReadOnlyList<string> baseImages, CancellationToken cancellationToken)
    {
        var layers = image.RootFS?.Layers ?? [];
        long baseSize = 0;
        foreach (var name in baseImages)
        {
            ImageInspectResponse candidate;
            try
            {
                candidate = await _docker.Images.InspectImageAsync(name, cancellationToken).ConfigureAwait(false);
            }
            catch (DockerApiException)
            {
                continue;
            }
            var baseLayers = candidate.RootFS?.Layers ?? [];
            if (baseLayers.Count <= layers.Count && baseLayers.Select((l, i) => layers[i] == l).All(x => x)) baseSize = Math.Max(baseSize, candidate.Size);
        }
        return Math.Max(0, image.Size - baseSize);
    }

    private readonly record struct GuardVerdict(long? ExceededBytes, string? Fault);

    /// <summary>Measures the build every poll interval; over the disk bound it kills the step and stops the build.</summary>
    private async Task<GuardVerdict> GuardAsync(BuildWatch watch, ImageBuildRequest request, CancellationTokenSource stop, CancellationToken cancellationToken)
    {
        await Task.Yield();
        using var timer = new PeriodicTimer(request.DiskPollInterval < MinimumPoll ? MinimumPoll : request.DiskPollInterval);
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false))
            {
                var written = await watch.MeasureAsync(cancellationToken).ConfigureAwait(false);
                if (watch.IsolationFault is not null)
                {
                    await watch.KillStepContainersAsync().ConfigureAwait(false);
                    await stop.CancelAsync().ConfigureAwait(false);
                    return new GuardVerdict(null, watch.IsolationFault);
                }
                if (written > request.DiskBytes)
                {
                    await watch.KillStepContainersAsync().ConfigureAwait(false);
                    await stop.CancelAsync().ConfigureAwait(false);
                    return new GuardVerdict(written, null);
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The build ended.
        }
        catch (Exception e) when (e is DockerApiException or HttpRequestException or IOException)
        {
            // Without measurements the disk bound does not hold: stop the build rather than let it run unwatched.
            await stop.CancelAsync().ConfigureAwait(false);
            return new GuardVerdict(null, "the build's disk use could not be measured: " + e.Message);
        }
        return default;
    }

    private static async Task<GuardVerdict> StopGuardAsync(CancellationTokenSource guardStop, Task<GuardVerdict> guard)
    {
        await guardStop.CancelAsync().ConfigureAwait(false);
        return await guard.ConfigureAwait(false);
    }

    /// <summary>
    /// After a build: its step containers gone (the engine removes them; any it left are removed here), and every image
    /// it committed removed except <paramref name="keep"/> and what that image is built on.
    /// </summary>
    private async Task StopAndCleanAsync(BuildWatch watch, BuildLayerLedger ledger, CancellationTokenSource guardStop, Task<GuardVerdict> guard, string? keep)
    {
        await StopGuardAsync(guardStop, guard).ConfigureAwait(false);
        await RemoveBuildContainersAsync(watch.StepContainers, CancellationToken.None).ConfigureAwait(false);
        try
        {
            await ledger.UpdateAsync(CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception e) when (e is DockerApiException or HttpRequestException or IOException)
        {
            LogCleanupFailed(_logger, e);
        }
        IReadOnlyCollection<string> orphans = [];
        if (keep is null)
        {
            try
            {
                orphans = await FindOrphansAsync(ledger, watch).ConfigureAwait(false);
            }
            catch (Exception e) when (e is DockerApiException or HttpRequestException or IOException)
            {
                LogCleanupFailed(_logger, e);
            }
        }
        foreach (var id in ledger.Committed.Concat(orphans).Where(id => id != keep).Distinct(StringComparer.Ordinal))
        {
            // Untagged images only: an image with a tag (the job's own, a reuse tag) is never deleted by id here.
            await RemoveUntaggedImageAsync(id).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Images a stopped build committed that its log never named (the engine finished committing a step as the build
    /// was cancelled): untagged, made since the build started, and either a child of an image of this build or the
    /// commit of one of its verified step containers.
    /// </summary>
    private async Task<IReadOnlyCollection<string>> FindOrphansAsync(BuildLayerLedger ledger, BuildWatch watch)
    {
        var ours = new HashSet<string>(ledger.Committed, StringComparer.Ordinal);
        var steps = watch.StepContainers.ToHashSet(StringComparer.Ordinal);
        var images = await _docker.Images.ListImagesAsync(new ImagesListParameters { All = true }, CancellationToken.None).ConfigureAwait(false);
        var recent = images
            .Where(i => new DateTimeOffset(i.Created.ToUniversalTime(), TimeSpan.Zero) >= ledger.BuildStart.AddSeconds(-2))
            .Where(i => i.RepoTags is null || i.RepoTags.All(t => t == "<none>:<none>"))
            .ToList();
        var committedBy = new Dictionary<string, string?>(StringComparer.Ordinal);
        var orphans = new List<string>();
        bool found;
        do
        {
            found = false;
            foreach (var image in recent.Where(i => !ours.Contains(i.ID)))
            {
                var mine = ours.Contains(image.ParentID ?? "");
                if (!mine && steps.Count > 0)
                {
                    if (!committedBy.TryGetValue(image.ID, out var container))
                    {
                        container = (await _docker.Images.InspectImageAsync(image.ID, CancellationToken.None).ConfigureAwait(false)).Container;
                        committedBy[image.ID] = container;
                    }
                    mine = container is { Length: > 0 } && steps.Contains(container);
                }
                if (!mine) continue;
                ours.Add(image.ID);
                orphans.Add(image.ID);
                found = true;
            }
        }
        while (found);
        return orphans;
    }

    private async Task RemoveUntaggedImageAsync(string id)
    {
        try
        {
            var image = await _docker.Images.InspectImageAsync(id, CancellationToken.None).ConfigureAwait(false);
            if (image.RepoTags is { Count: > 0 }) return;
            await _docker.Images.DeleteImageAsync(id, new ImageDeleteParameters { Force = false, NoPrune = false }, CancellationToken.None).ConfigureAwait(false);
        }
        catch (DockerApiException e) when (e.StatusCode is HttpStatusCode.NotFound or HttpStatusCode.Conflict)
        {
            // Gone with a child already pruned, or the parent of the kept image: both fine.
        }
    }

    private async Task RemoveImageAsync(string tag)
    {
        try
        {
            await _docker.Images.DeleteImageAsync(tag, new ImageDeleteParameters { Force = true, NoPrune = false }, CancellationToken.None).ConfigureAwait(false);
        }
        catch (DockerApiException e) when (e.StatusCode == HttpStatusCode.NotFound)
        {
            // Already gone.
        }
    }

    private static string DiskMessage(long limit, long written) =>
        $"The build wrote more than the {ByteSize.Format(limit)} a build may add to its base images (measured {ByteSize.Format(written)}); it was stopped and nothing of it was kept.";

    private async Task EnsureEngineAsync(CancellationToken cancellationToken)
    {
        try
        {
            await _docker.System.PingAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            throw new GraderInfrastructureException($"The Docker engine is not reachable: {e.Message}", e);
        }
    }

    private static async Task WriteContextAsync(IReadOnlyList<ContextEntry> entries, PipeWriter writer, long maxBytes, CancellationToken cancellationToken)
    {
        await Task.Yield();
        try
        {
            await using (var stream = writer.AsStream(leaveOpen: true))
            {
                await BuildContextArchive.WriteAsync(entries, stream, maxBytes, cancellationToken).ConfigureAwait(false);
            }
            await writer.CompleteAsync().ConfigureAwait(false);
        }
        catch (Exception e)
        {
            // Completing with the exception makes the HTTP upload fail, which stops the build.
            await writer.CompleteAsync(e).ConfigureAwait(false);
            throw;
        }
    }

    private static async Task<string?> WriterFaultAsync(Task writer)
    {
        try
        {
            await writer.ConfigureAwait(false);
            return null;
        }
        catch (BuildContextTooLargeException e)
        {
            return e.Message;
        }
        catch (Exception e) when (e is IOException or OperationCanceledException or InvalidOperationException)
        {
            // The upload failed first; the writer only saw the closed pipe. The caller reports the upload's error.
            return null;
        }
    }

    /// <summary>
    /// The engine removes a build's step containers itself (also after a cancelled build); this verifies it did, and
    /// removes any it left. Only containers verified as the build's own (<see cref="BuildWatch"/>) are touched.
    /// </summary>
    private async Task RemoveBuildContainersAsync(IReadOnlyCollection<string> containerIds, CancellationToken cancellationToken)
    {
        foreach (var id in containerIds)
        {
            var deadline = Stopwatch.StartNew();
            while (await ContainerExistsAsync(id, cancellationToken).ConfigureAwait(false))
            {
                if (deadline.Elapsed > CleanupDeadline)
                {
                    LogRemovingBuildContainer(_logger, id);
                    try
                    {
                        await _docker.Containers.RemoveContainerAsync(id, new ContainerRemoveParameters { Force = true }, cancellationToken).ConfigureAwait(false);
                    }
                    catch (DockerContainerNotFoundException)
                    {
                        // Removed by the engine in the meantime: what we wanted.
                    }
                    break;
                }
                await WaitBrieflyAsync(cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private async Task<bool> ContainerExistsAsync(string id, CancellationToken cancellationToken)
    {
        try
        {
            await _docker.Containers.InspectContainerAsync(id, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (DockerContainerNotFoundException)
        {
            return false;
        }
    }

    /// <summary>Polling interval while the engine finishes removing a container.</summary>
    private static Task WaitBrieflyAsync(CancellationToken cancellationToken) =>
        Task.Delay(TimeSpan.FromMilliseconds(200), cancellationToken);

    /// <summary>
    /// Names the limit a failed RUN step most likely met: exit 137 (SIGKILL) the memory limit, "can't fork" /
    /// "Resource temporarily unavailable" the process limit.
    /// </summary>
    private static string ExplainFailure(string error, string log, ImageBuildRequest request)
    {
        if (request.MemoryBytes is { } memory && error.Contains("non-zero code: 137", StringComparison.Ordinal))
        {
            return $"{error} (the step was killed: most likely it used more than the build's {ByteSize.Format(memory)} memory limit)";
        }
        if (request.CgroupLimits && (log.Contains("can't fork", StringComparison.OrdinalIgnoreCase) || log.Contains("Resource temporarily unavailable", StringComparison.Ordinal)))
        {
            return $"{error} (the step could not start more processes: builds may run at most {request.Pids} at once)";
        }
        return error;
    }

    private static string? CleanError(string? body)
    {
        if (string.IsNullOrWhiteSpace(body)) return null;
        var match = MessageField().Match(body);
        return match.Success ? Regex.Unescape(match.Groups[1].Value) : body.Trim();
    }

    [GeneratedRegex("\"message\"\\s*:\\s*\"((?:[^\"\\\\]|\\\\.)*)\"")]
    private static partial Regex MessageField();

    [LoggerMessage(Level = LogLevel.Information, Message = "Building {Tag} from {Entries} context entries (cgroup {Cgroup}, network {Network})")]
    private static partial void LogBuildStarted(ILogger logger, string tag, int entries, string cgroup, string network);

    [LoggerMessage(Level = LogLevel.Information, Message = "Built {Tag} as {ImageId} in {Elapsed} (peak {PeakBytes} bytes written)")]
    private static partial void LogBuildSucceeded(ILogger logger, string tag, string imageId, TimeSpan elapsed, long peakBytes);

    [LoggerMessage(Level = LogLevel.Information, Message = "Build of {Tag} failed: {Error}")]
    private static partial void LogBuildFailed(ILogger logger, string tag, string error);

    [LoggerMessage(Level = LogLevel.Information, Message = "Build of {Tag} refused before it started: {Reason}")]
    private static partial void LogBuildRefused(ILogger logger, string tag, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Build of {Tag} wrote {Written} bytes, over its {Limit}; stopped")]
    private static partial void LogBuildOverDisk(ILogger logger, string tag, long written, long limit);

    [LoggerMessage(Level = LogLevel.Information, Message = "Build of {Tag} was stopped by its guard")]
    private static partial void LogBuildStopped(ILogger logger, string tag, Exception exception);

    [LoggerMessage(Level = LogLevel.Information, Message = "Build of {Tag} exceeded {Timeout} and was cancelled")]
    private static partial void LogBuildTimedOut(ILogger logger, string tag, TimeSpan timeout, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The engine left build container {ContainerId} after a cancelled build; removing it")]
    private static partial void LogRemovingBuildContainer(ILogger logger, string containerId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not list what a build committed; its intermediate images may stay until pruned")]
    private static partial void LogCleanupFailed(ILogger logger, Exception exception);
}
