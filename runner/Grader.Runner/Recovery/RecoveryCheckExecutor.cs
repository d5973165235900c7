using System.Diagnostics;
using Docker.DotNet;
using Docker.DotNet.Models;
using Grader.Rubrics.Model;
using Grader.Rubrics.Results;
using Grader.Runner.Checks;
using Grader.Runner.Docker;
using Grader.Runner.Service;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Grader.Runner.Recovery;

/// <summary>
/// <c>recovery</c>: injects a fault into the running service and measures the time until it is healthy
/// again (or, for a graceful shutdown, until it exits cleanly). Measure: recovery time in ms.
/// </summary>
/// <remarks>
/// <para>kill_process: SIGKILL to the container's main process (see <see cref="ContainerProcessKiller"/>);
/// kill_container: SIGKILL to all of its processes at once. Either way the restart policy must bring it
/// back; the clock runs from the kill until the container has restarted (a new start time, so the old
/// process answering one last time is not counted) and the health path answers 2xx. With restart policy
/// <c>no</c> the container stays down and the check fails saying so.</para>
/// <para>graceful_shutdown: SIGTERM to PID 1, which must exit by itself with code 0 within the SLO. Exit
/// 143 (128+15) is the signal's default action, i.e. nothing handled it and in-flight work was dropped, so
/// it does not count as graceful; neither does having to be killed after the SLO. Note PID 1 ignores
/// SIGTERM unless it installs a handler, so a bare <c>python app.py</c> never exits.</para>
/// <para>Ordering: a recovery check disturbs the service, so the pipeline runs recovery checks after all
/// other service checks. This executor still puts the service back (starts it again when it is stopped
/// and waits for readiness); when that fails it marks <see cref="GradingContext.ServiceStart"/> not ready,
/// so later service checks are "not run" with the reason instead of failing against a dead service.</para>
/// </remarks>
public sealed partial class RecoveryCheckExecutor(
    IDockerClient docker,
    ServiceHttpClient http,
    IOptions<RecoveryOptions> options,
    IOptions<ServiceLauncherOptions> launcherOptions,
    ILogger<RecoveryCheckExecutor> logger) : CheckExecutor<RecoveryCheck>(CheckKind.Recovery)
{
    private readonly RecoveryOptions _options = options.Value;
    private readonly ContainerProcessKiller _killer = new(docker);

    protected override async Task<CheckResult> ExecuteAsync(Criterion criterion, RecoveryCheck check, GradingContext context, CancellationToken cancellationToken)
    {
        if (!ServiceCheckPreconditions.TryGetReadyService(criterion, context, out var running, out var instead)) return instead;
        if (running is not DockerRunningService service)
            return CheckResult.GraderError(criterion.Id, "Recovery checks need a service started by the Docker service launcher.");

        var watch = Stopwatch.StartNew();
        LogInjecting(logger, check.Fault, service.ContainerId);
        var result = check.Fault == RecoveryFault.GracefulShutdown
            ? await GracefulShutdownAsync(criterion, check, service, cancellationToken).ConfigureAwait(false)
            : await KillAndRecoverAsync(criterion, check, service, cancellationToken).ConfigureAwait(false);

        var restoreProblem = await RestoreAsync(service, context, cancellationToken).ConfigureAwait(false);
        return result with
        {
            Duration = watch.Elapsed,
            Details = restoreProblem is null ? result.Details : [.. result.Details, restoreProblem],
            Logs = [new LogExcerpt("Service log", await service.GetLogsAsync(cancellationToken).ConfigureAwait(false))],
        };
    }

    private async Task<CheckResult> KillAndRecoverAsync(Criterion criterion, RecoveryCheck check, DockerRunningService service, CancellationToken cancellationToken)
    {
        var before = await service.InspectAsync(cancellationToken).ConfigureAwait(false);
        var clock = Stopwatch.StartNew();
        if (check.Fault == RecoveryFault.KillProcess) ContainerProcessKiller.KillMainProcess(service.ContainerId, before.Pid);
        else await _killer.KillAllAsync(service.ContainerId, cancellationToken).ConfigureAwait(false);

        var window = Window(check.Slo);
        ContainerState state = before;
        var downForGood = false;
        var recovered = await PollingDeadline.UntilAsync(async ct =>
        {
            state = await service.InspectAsync(ct).ConfigureAwait(false);
            if (ServiceReadiness.ExitedForGood(state, service.Spec.RestartPolicy))
            {
                downForGood = true;
                return true;
            }
            var restarted = state.Running && !state.Restarting && state.StartedAt != before.StartedAt;
            return restarted && await HealthyAsync(service, check.HealthPath, ct).ConfigureAwait(false);
        }, clock, window, cancellationToken).ConfigureAwait(false);

        var fault = check.Fault == RecoveryFault.KillProcess ? "its main process was killed" : "its container was killed";
        if (downForGood)
        {
            return Failed(criterion, check, null,
                $"The service did not come back after {fault}: the container exited with code {state.ExitCode} and restart policy '{service.Spec.RestartPolicy}' does not restart it.");
        }
        if (recovered is not { } took)
        {
            return Failed(criterion, check, null,
                $"The service was not healthy again within {DurationText.Format(window)} after {fault} (GET {check.HealthPath} never answered 2xx; the SLO is {DurationText.Format(check.Slo)}).");
        }
        return took <= check.Slo
            ? Result(criterion, check, CheckStatus.Passed, took, $"The service was healthy again {DurationText.Format(took)} after {fault}, within the {DurationText.Format(check.Slo)} SLO.")
            : Result(criterion, check, CheckStatus.Failed, took, $"The service took {DurationText.Format(took)} to be healthy again after {fault}; the SLO is {DurationText.Format(check.Slo)}.");
    }

    private async Task<CheckResult> GracefulShutdownAsync(Criterion criterion, RecoveryCheck check, DockerRunningService service, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        await DockerCalls.RunAsync("signal the service",
            () => docker.Containers.KillContainerAsync(service.ContainerId, new ContainerKillParameters { Signal = "SIGTERM" }, cancellationToken)).ConfigureAwait(false);
        ContainerState state = null!;
        var exited = await PollingDeadline.UntilAsync(async ct =>
        {
            state = await service.InspectAsync(ct).ConfigureAwait(false);
            return !state.Running;
        }, clock, check.Slo, cancellationToken).ConfigureAwait(false);

        if (exited is not { } took)
        {
            await DockerCalls.RunAsync("kill the service",
                () => docker.Containers.KillContainerAsync(service.ContainerId, new ContainerKillParameters { Signal = "SIGKILL" }, cancellationToken)).ConfigureAwait(false);
            return Failed(criterion, check, null,
                $"The service did not exit within {DurationText.Format(check.Slo)} after SIGTERM and had to be killed: handle SIGTERM (PID 1 ignores it otherwise), finish in-flight requests and exit with code 0.");
        }
        if (state.ExitCode != 0)
        {
            var why = state.ExitCode == 143
                ? "exit code 143 means SIGTERM's default action terminated it: nothing handled the signal"
                : $"it exited with code {state.ExitCode}";
            return Result(criterion, check, CheckStatus.Failed, took, $"The service stopped {DurationText.Format(took)} after SIGTERM, but not cleanly: {why}.");
        }
        return Result(criterion, check, CheckStatus.Passed, took,
            $"The service shut down cleanly (exit code 0) {DurationText.Format(took)} after SIGTERM, within {DurationText.Format(check.Slo)}.");
    }

    /// <summary>Brings the service back for later checks; returns a problem line when it could not.</summary>
    private async Task<string?> RestoreAsync(DockerRunningService service, GradingContext context, CancellationToken cancellationToken)
    {
        var state = await service.InspectAsync(cancellationToken).ConfigureAwait(false);
        if (!state.Running && !state.Restarting)
        {
            await DockerCalls.RunAsync("start the service again",
                () => docker.Containers.StartContainerAsync(service.ContainerId, new ContainerStartParameters(), cancellationToken)).ConfigureAwait(false);
        }
        var inspect = await DockerCalls.RunAsync("inspect the service", () => docker.Containers.InspectContainerAsync(service.ContainerId, cancellationToken)).ConfigureAwait(false);
        var hasHealthcheck = inspect.Config?.Healthcheck?.Test is { Count: > 0 } test && test[0] != "NONE";
        var readiness = new ServiceReadiness(http, launcherOptions.Value);
        var ready = await readiness.WaitAsync(service, ServiceReadiness.ModeFor(service.Spec, hasHealthcheck), service.Spec.ReadinessPath,
            service.Spec.ReadinessTimeout, cancellationToken).ConfigureAwait(false);
        if (ready.Ready) return null;
        var problem = $"After this check the service could not be made ready again: {ready.Error}";
        context.ServiceStart = context.ServiceStart! with { Ready = false, Error = problem };
        return problem;
    }

    private async Task<bool> HealthyAsync(DockerRunningService service, string path, CancellationToken cancellationToken)
    {
        var response = await http.SendAsync(service.BaseAddress,
            new ServiceRequest("GET", path) { Timeout = _options.HealthAttemptTimeout, MaxBodyBytes = 4096 }, cancellationToken).ConfigureAwait(false);
        return response.IsSuccess;
    }

    private TimeSpan Window(TimeSpan slo) => slo + _options.MaxObservationBeyondSlo;

    private static CheckResult Result(Criterion criterion, RecoveryCheck check, CheckStatus status, TimeSpan took, string message) => new()
    {
        CriterionId = criterion.Id,
        Status = status,
        Measure = took.TotalMilliseconds,
        Values = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["recovery_time"] = DurationText.Format(took),
            ["slo"] = DurationText.Format(check.Slo),
        },
        Message = message,
    };

    private static CheckResult Failed(Criterion criterion, RecoveryCheck check, TimeSpan? took, string message) => new()
    {
        CriterionId = criterion.Id,
        Status = CheckStatus.Failed,
        Measure = took?.TotalMilliseconds,
        Values = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["recovery_time"] = took is { } t ? DurationText.Format(t) : "not recovered",
            ["slo"] = DurationText.Format(check.Slo),
        },
        Message = message,
    };

    [LoggerMessage(Level = LogLevel.Information, Message = "Injecting {Fault} into service {ContainerId}")]
    private static partial void LogInjecting(ILogger logger, RecoveryFault fault, string containerId);
}
