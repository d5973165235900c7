using System.Diagnostics;
using System.Globalization;
using Docker.DotNet;
using Docker.DotNet.Models;
using Grader.Runner.Docker;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Grader.Runner.Service;

/// <summary>
/// Runs the learner's image as a long-running service container on a per-job internal network that only
/// the runner reaches (see <see cref="HostIngressGuard"/> for what isolates it), and waits until it is ready.
/// </summary>
/// <remarks>
/// Hardening is the sandbox's where a service tolerates it: all capabilities dropped, no-new-privileges,
/// memory (no swap), CPU and pids limits, the job's ulimits (no core dumps, nofile, nproc), a non-root user (the image's USER when it is not root, else
/// nobody), a read-only root filesystem with a bounded tmpfs at /tmp. A read-only root suits a service:
/// it serves from what the image holds and keeps scratch state in /tmp, which a restart wipes just as a
/// real restart would. No init process is injected, so PID 1 is the learner's own entry point, whose
/// signal handling the recovery checks grade. The log driver keeps at most 1 MB. GPUs are given as
/// <c>--gpus device=...</c> does (a device request with driver nvidia).
/// </remarks>
public sealed partial class DockerServiceLauncher : IServiceLauncher, IDisposable
{
    private const string ServiceNetworkRole = "service-network";

    private readonly IDockerClient _docker;
    private readonly ServiceLauncherOptions _options;
    private readonly ILogger<DockerServiceLauncher> _logger;
    private readonly ServiceHttpClient _http = new();
    private readonly HostIngressGuard? _guard;
    private readonly long _noFileLimit;

    public DockerServiceLauncher(IDockerClient docker, IOptions<ServiceLauncherOptions> options, ILogger<DockerServiceLauncher> logger, IOptions<SandboxOptions>? sandboxOptions = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        _docker = docker;
        _options = options.Value;
        _noFileLimit = (sandboxOptions?.Value ?? new SandboxOptions()).NoFileLimit;
        _logger = logger;
        _guard = _options.BlockServiceToHost ? new HostIngressGuard() : null;
    }

    public Task<int> SweepAsync(string runnerId, CancellationToken cancellationToken) =>
        _guard is null ? Task.FromResult(0) : _guard.SweepAsync(runnerId, cancellationToken);

    public async Task<ServiceStartOutcome> StartAsync(ServiceLaunchRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var spec = request.Spec;
        if (spec.Gpu && request.GpuDeviceIds.Count == 0)
        {
            throw new GraderInfrastructureException("The service needs a GPU but none was leased to this job.");
        }
        var image = await DockerCalls.RunAsync("inspect the service image", () => _docker.Images.InspectImageAsync(request.Image, cancellationToken)).ConfigureAwait(false);
        // The numeric uid decides, as the runtime sees it: `USER 00`, `0:0` or a name mapped to uid 0 are root too.
        var user = await DockerCalls.RunAsync("resolve the service image's user",
            () => new ImageUserResolver(_docker).ResolveAsync(request.Image, image.Config?.User, image.Config?.Labels, cancellationToken)).ConfigureAwait(false);
        var watch = Stopwatch.StartNew();
        var runnerId = request.Labels.TryGetValue(DockerLabels.RunnerId, out var id) ? id : "runner";
        var network = await CreateNetworkAsync(request.Labels, runnerId, cancellationToken).ConfigureAwait(false);
        DockerRunningService? service = null;
        try
        {
            var created = await DockerCalls.RunAsync("create the service container",
                () => _docker.Containers.CreateContainerAsync(ContainerParameters(request, image, user, network), cancellationToken)).ConfigureAwait(false);
            service = new DockerRunningService(_docker, created.ID, network, spec, _guard, _options, _logger);
            LogStarting(_logger, request.Image, created.ID, network.Name);

            var startError = await TryStartAsync(created.ID, cancellationToken).ConfigureAwait(false);
            if (startError is not null)
            {
                return new ServiceStartOutcome(service, false, watch.Elapsed, startError, await service.GetLogsAsync(cancellationToken).ConfigureAwait(false));
            }

            var hasHealthcheck = image.Config?.Healthcheck?.Test is { Count: > 0 } test && test[0] != "NONE";
            var mode = ServiceReadiness.ModeFor(spec, hasHealthcheck);
            var readiness = new ServiceReadiness(_http, _options);
            var result = await readiness.WaitAsync(service, mode, spec.ReadinessPath, spec.ReadinessTimeout, cancellationToken).ConfigureAwait(false);
            var logs = await service.GetLogsAsync(cancellationToken).ConfigureAwait(false);
            LogReadiness(_logger, created.ID, result.Ready, result.Elapsed.TotalMilliseconds);
            return new ServiceStartOutcome(service, result.Ready, watch.Elapsed, result.Error, logs);
        }
        catch
        {
            // Nothing half-made outlives a failed start; the caller gets no service to dispose.
            if (service is not null) await service.DisposeAsync().ConfigureAwait(false);
            else await network.DisposeAsync(_docker, _guard, _logger, CancellationToken.None).ConfigureAwait(false);
            throw;
        }
    }

    private async Task<ServiceNetwork> CreateNetworkAsync(IReadOnlyDictionary<string, string> labels, string runnerId, CancellationToken cancellationToken)
    {
        var suffix = Guid.NewGuid().ToString("N")[..12];
        // Linux interface names are at most 15 characters: "grd" + 12 hex digits, so the host rule can name it.
        var bridge = "grd" + suffix;
        var name = "grader-svc-" + suffix;
        var networkLabels = new Dictionary<string, string>(labels, StringComparer.Ordinal) { [DockerLabels.Role] = ServiceNetworkRole };
        var created = await DockerCalls.RunAsync("create the service network", () => _docker.Networks.CreateNetworkAsync(new NetworksCreateParameters
        {
            Name = name,
            Driver = "bridge",
            Internal = true,
            EnableIPv6 = false,
            CheckDuplicate = true,
            Labels = networkLabels,
            Options = new Dictionary<string, string>
            {
                ["com.docker.network.bridge.name"] = bridge,
                ["com.docker.network.bridge.enable_icc"] = "true",
            },
        }, cancellationToken)).ConfigureAwait(false);
        var network = new ServiceNetwork(created.ID, name, bridge, runnerId, GuardInstalled: false);
        if (_guard is null) return network;
        try
        {
            await _guard.InstallAsync(bridge, runnerId, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await network.DisposeAsync(_docker, null, _logger, CancellationToken.None).ConfigureAwait(false);
            throw;
        }
        return network with { GuardInstalled = true };
    }

    private CreateContainerParameters ContainerParameters(ServiceLaunchRequest request, ImageInspectResponse image, Dockerfiles.ImageUser user, ServiceNetwork network)
    {
        var spec = request.Spec;
        var limits = request.Limits;
        var port = spec.Port.ToString(CultureInfo.InvariantCulture) + "/tcp";
        var host = new ContainerHardening(limits.Memory.Bytes, limits.Pids, _noFileLimit)
        {
            Cpus = limits.Cpus,
            Network = network.Name,
            ReadOnlyRoot = _options.ReadOnlyRootFilesystem,
            GpuDeviceIds = spec.Gpu ? [.. request.GpuDeviceIds] : [],
        }.ToHostConfig();
        // exec on /tmp: Docker's default tmpfs is noexec, but the service already runs learner code and
        // ML libraries load compiled code they write to /tmp (JIT caches, extension modules).
        host.Tmpfs = new Dictionary<string, string>
        {
            ["/tmp"] = string.Create(CultureInfo.InvariantCulture, $"rw,exec,nosuid,nodev,size={limits.TmpSize.Bytes}"),
        };
        host.RestartPolicy = RestartPolicyFor(spec.RestartPolicy);
        host.LogConfig = new LogConfig { Type = "json-file", Config = new Dictionary<string, string> { ["max-size"] = "1m", ["max-file"] = "1" } };
        host.Init = false;
        return new CreateContainerParameters
        {
            Image = request.Image,
            Cmd = spec.Command is { Count: > 0 } command ? [.. command] : null,
            Env = [.. spec.Environment.Select(kv => $"{kv.Key}={kv.Value}")],
            Labels = new Dictionary<string, string>(request.Labels, StringComparer.Ordinal),
            ExposedPorts = new Dictionary<string, EmptyStruct> { [port] = default },
            // The image's own user only when it is known not to be root; an unresolvable name runs as nobody too.
            User = user.Uid is { } uid and not 0 ? image.Config!.User : _options.FallbackUser,
            HostConfig = host,
        };
    }

    private RestartPolicy RestartPolicyFor(string policy) => policy switch
    {
        "no" => new RestartPolicy { Name = RestartPolicyKind.No },
        "on-failure" => new RestartPolicy { Name = RestartPolicyKind.OnFailure, MaximumRetryCount = _options.OnFailureMaxRetries },
        "always" => new RestartPolicy { Name = RestartPolicyKind.Always },
        "unless-stopped" => new RestartPolicy { Name = RestartPolicyKind.UnlessStopped },
        _ => throw new ArgumentException($"Unknown restart policy '{policy}' (expected no, on-failure, always or unless-stopped).", nameof(policy)),
    };

    /// <summary>Starts the container; a start the runtime refuses because of the image (no such executable) is the learner's error.</summary>
    private async Task<string?> TryStartAsync(string containerId, CancellationToken cancellationToken)
    {
        try
        {
            await _docker.Containers.StartContainerAsync(containerId, new ContainerStartParameters(), cancellationToken).ConfigureAwait(false);
            return null;
        }
        // Only the runtime refusing the image's command is the learner's; any other runtime error (a GPU runtime
        // that fails to initialise, a mount the host refuses) is the grader's, decided where the sandbox decides it.
        catch (DockerApiException e) when (ImageCommandUnavailableException.IsCommandRefusal(e))
        {
            return $"The service container could not start: {ImageCommandUnavailableException.RuntimeWords(e)}";
        }
        catch (Exception e) when (InfrastructureFailures.IsEngineFailure(e))
        {
            throw new GraderInfrastructureException($"Docker engine failed to start the service container: {e.Message}", e);
        }
    }

    public void Dispose() => _http.Dispose();

    [LoggerMessage(Level = LogLevel.Information, Message = "Starting service {Image} as {ContainerId} on network {Network}")]
    private static partial void LogStarting(ILogger logger, string image, string containerId, string network);

    [LoggerMessage(Level = LogLevel.Information, Message = "Service {ContainerId} ready: {Ready} after {ElapsedMs} ms")]
    private static partial void LogReadiness(ILogger logger, string containerId, bool ready, double elapsedMs);
}
