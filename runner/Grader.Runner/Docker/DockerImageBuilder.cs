using System.Diagnostics;
using System.IO.Pipelines;
using System.Text.RegularExpressions;
using Docker.DotNet;
using Docker.DotNet.Models;
using Grader.Rubrics.Model;
using Microsoft.Extensions.Logging;

namespace Grader.Runner.Docker;

/// <summary>
/// Builds a learner's image with the engine's builder from a streamed tar of the context. Nothing of the
/// runner reaches the build: no build args, no secrets, no mounts; the default bridge network stays on
/// because learners' <c>RUN apt-get</c> legitimately needs the Debian mirror.
/// </summary>
public sealed partial class DockerImageBuilder(IDockerClient docker, ILogger<DockerImageBuilder> logger) : IImageBuilder
{
    private const long CpuPeriod = 100_000;

    /// <summary>How long to wait for the engine to remove a cancelled build's container before removing it ourselves.</summary>
    private static readonly TimeSpan CleanupDeadline = TimeSpan.FromSeconds(30);

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

        IReadOnlyList<ContextEntry> entries;
        try
        {
            entries = BuildContextArchive.Plan(context, request.Dockerfile, request.MaxContextBytes);
        }
        catch (BuildContextTooLargeException e)
        {
            return Fail(e.Message);
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(request.Timeout);
        var monitor = new BuildMonitor(log, progress);
        var pipe = new Pipe(new PipeOptions(pauseWriterThreshold: 1 << 20, resumeWriterThreshold: 512 << 10));
        var writer = WriteContextAsync(entries, pipe.Writer, request.MaxContextBytes, timeout.Token);
        LogBuildStarted(logger, request.Tag, entries.Count);
        try
        {
            var parameters = new ImageBuildParameters
            {
                Tags = [request.Tag],
                Dockerfile = request.Dockerfile.Replace('\\', '/'),
                Labels = new Dictionary<string, string>(request.Labels),
                Remove = true,
                ForceRemove = true,
                // RUN steps execute learner commands: bounded like every other learner container.
                Memory = request.MemoryBytes,
                MemorySwap = request.MemoryBytes,
                CPUPeriod = request.Cpus is null ? null : CpuPeriod,
                CPUQuota = request.Cpus is { } cpus ? (long)(cpus * CpuPeriod) : null,
            };
            await using var body = pipe.Reader.AsStream();
            await docker.Images.BuildImageFromDockerfileAsync(parameters, body, authConfigs: null, headers: null, monitor, timeout.Token).ConfigureAwait(false);
            await writer.ConfigureAwait(false);
        }
        catch (BuildContextTooLargeException e)
        {
            return Fail(e.Message);
        }
        catch (Exception e) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            LogBuildTimedOut(logger, request.Tag, request.Timeout, e);
            await RemoveBuildContainersAsync(monitor.StepContainers, CancellationToken.None).ConfigureAwait(false);
            log.Append($"\n[the build was stopped after {DurationText.Format(request.Timeout)}]\n");
            return Fail($"The build did not finish within {DurationText.Format(request.Timeout)} and was stopped.", timedOut: true);
        }
        catch (OperationCanceledException)
        {
            await RemoveBuildContainersAsync(monitor.StepContainers, CancellationToken.None).ConfigureAwait(false);
            throw;
        }
        catch (DockerApiException e)
        {
            // The engine answered and refused the build (bad Dockerfile reference, unreadable context): the submission's fault.
            var writerFault = await WriterFaultAsync(writer).ConfigureAwait(false);
            if (writerFault is not null) return Fail(writerFault);
            log.Append(e.ResponseBody ?? e.Message);
            return Fail(CleanError(e.ResponseBody) ?? $"The engine refused the build ({(int)e.StatusCode}).");
        }
        catch (Exception e) when (e is HttpRequestException or IOException or System.Net.Sockets.SocketException)
        {
            var writerFault = await WriterFaultAsync(writer).ConfigureAwait(false);
            if (writerFault is not null) return Fail(writerFault);
            throw new GraderInfrastructureException($"The Docker engine failed during the build of {request.Tag}: {e.Message}", e);
        }

        if (monitor.Error is not null)
        {
            LogBuildFailed(logger, request.Tag, monitor.Error);
            return Fail(ExplainKilledStep(monitor.Error, request));
        }

        ImageInspectResponse image;
        try
        {
            image = await docker.Images.InspectImageAsync(request.Tag, cancellationToken).ConfigureAwait(false);
        }
        catch (DockerImageNotFoundException)
        {
            return Fail("The build ended without producing an image.");
        }
        LogBuildSucceeded(logger, request.Tag, image.ID, stopwatch.Elapsed);
        return new ImageBuildOutcome(true, image.ID, log.ToString(), log.Truncated, stopwatch.Elapsed, false, null);
    }

    private async Task EnsureEngineAsync(CancellationToken cancellationToken)
    {
        try
        {
            await docker.System.PingAsync(cancellationToken).ConfigureAwait(false);
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
    /// The legacy builder names each step's container in its log ("Running in 3f2a..."). After a cancelled
    /// build the engine should remove them itself; this verifies it did, and removes any it left.
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
                    LogRemovingBuildContainer(logger, id);
                    try
                    {
                        await docker.Containers.RemoveContainerAsync(id, new ContainerRemoveParameters { Force = true }, cancellationToken).ConfigureAwait(false);
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
            await docker.Containers.InspectContainerAsync(id, cancellationToken).ConfigureAwait(false);
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

    /// <summary>A RUN step killed with SIGKILL (exit 137) almost always met the build's memory limit: say so, with the limit.</summary>
    private static string ExplainKilledStep(string error, ImageBuildRequest request) =>
        request.MemoryBytes is { } memory && error.Contains("non-zero code: 137", StringComparison.Ordinal)
            ? $"{error} (the step was killed: most likely it used more than the build's {Grader.Rubrics.Model.ByteSize.Format(memory)} memory limit)"
            : error;

    private static string? CleanError(string? body)
    {
        if (string.IsNullOrWhiteSpace(body)) return null;
        var match = MessageField().Match(body);
        return match.Success ? Regex.Unescape(match.Groups[1].Value) : body.Trim();
    }

    [GeneratedRegex("\"message\"\\s*:\\s*\"((?:[^\"\\\\]|\\\\.)*)\"")]
    private static partial Regex MessageField();

    [LoggerMessage(Level = LogLevel.Information, Message = "Building {Tag} from {Entries} context entries")]
    private static partial void LogBuildStarted(ILogger logger, string tag, int entries);

    [LoggerMessage(Level = LogLevel.Information, Message = "Built {Tag} as {ImageId} in {Elapsed}")]
    private static partial void LogBuildSucceeded(ILogger logger, string tag, string imageId, TimeSpan elapsed);

    [LoggerMessage(Level = LogLevel.Information, Message = "Build of {Tag} failed: {Error}")]
    private static partial void LogBuildFailed(ILogger logger, string tag, string error);

    [LoggerMessage(Level = LogLevel.Information, Message = "Build of {Tag} exceeded {Timeout} and was cancelled")]
    private static partial void LogBuildTimedOut(ILogger logger, string tag, TimeSpan timeout, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The engine left build container {ContainerId} after a cancelled build; removing it")]
    private static partial void LogRemovingBuildContainer(ILogger logger, string containerId);

    /// <summary>Collects the build's output (bounded), its first error and the step containers it names.</summary>
    private sealed partial class BuildMonitor(BoundedOutput log, IProgress<string>? progress) : IProgress<JSONMessage>
    {
        private readonly List<string> _stepContainers = [];
        private readonly Lock _gate = new();

        public string? Error { get; private set; }

        public IReadOnlyCollection<string> StepContainers
        {
            get
            {
                lock (_gate) return [.. _stepContainers];
            }
        }

        public void Report(JSONMessage value)
        {
            var error = value.Error?.Message ?? value.ErrorMessage;
            if (!string.IsNullOrEmpty(error))
            {
                Error ??= error.Trim();
                log.Append(error.EndsWith('\n') ? error : error + "\n");
                return;
            }
            var text = value.Stream ?? value.Status;
            if (string.IsNullOrEmpty(text)) return;
            log.Append(text);
            var running = RunningIn().Match(text);
            if (running.Success)
            {
                lock (_gate) _stepContainers.Add(running.Groups[1].Value);
            }
            var line = text.Trim();
            if (line.StartsWith("Step ", StringComparison.Ordinal)) progress?.Report(line);
        }

        [GeneratedRegex(@"Running in ([0-9a-f]{12,64})")]
        private static partial Regex RunningIn();
    }
}
