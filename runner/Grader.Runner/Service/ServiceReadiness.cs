using System.Net.Sockets;
using Docker.DotNet.Models;
using Grader.Rubrics.Model;
using ServiceSpec = Grader.Rubrics.Model.ServiceSpec;

namespace Grader.Runner.Service;

/// <summary>How readiness is judged: the readiness path answering 2xx, else the image's HEALTHCHECK, else a TCP connect.</summary>
internal enum ReadinessMode
{
    HttpPath,
    Healthcheck,
    TcpConnect,
}

/// <summary>Why waiting stopped: ready, timed out, or the container exited for good.</summary>
internal sealed record ReadinessResult(bool Ready, TimeSpan Elapsed, string? Error);

/// <summary>Waits until a service is ready, polling with a deadline.</summary>
internal sealed class ServiceReadiness(ServiceHttpClient http, ServiceLauncherOptions options)
{
    public static ReadinessMode ModeFor(ServiceSpec spec, bool imageHasHealthcheck) =>
        spec.ReadinessPath is not null ? ReadinessMode.HttpPath
        : imageHasHealthcheck ? ReadinessMode.Healthcheck
        : ReadinessMode.TcpConnect;

    public async Task<ReadinessResult> WaitAsync(DockerRunningService service, ReadinessMode mode, string? path, TimeSpan timeout, CancellationToken cancellationToken)
    {
        ContainerState? last = null;
        string? lastProblem = null;
        var exitedForGood = false;
        var elapsed = await PollingDeadline.UntilAsync(async ct =>
        {
            last = await service.InspectAsync(ct).ConfigureAwait(false);
            if (!last.Running || last.Restarting)
            {
                exitedForGood = ExitedForGood(last, service.Spec.RestartPolicy);
                lastProblem = $"the container is {last.Status} (exit code {last.ExitCode})";
                // Returning true ends the wait early; the result below tells it apart from ready.
                return exitedForGood;
            }
            var (ok, problem) = await ProbeOnceAsync(service, last, mode, path, ct).ConfigureAwait(false);
            lastProblem = problem;
            return ok;
        }, timeout, cancellationToken).ConfigureAwait(false);

        if (elapsed is { } took && !exitedForGood) return new ReadinessResult(true, took, null);
        var what = Describe(mode, path, service.Spec.Port);
        if (exitedForGood)
        {
            return new ReadinessResult(false, elapsed ?? timeout,
                $"The service exited with code {last?.ExitCode} before it was ready ({what}), and restart policy '{service.Spec.RestartPolicy}' does not start it again.");
        }
        return new ReadinessResult(false, timeout,
            $"The service was not ready within {DurationText.Format(timeout)}: {what} never succeeded (last: {lastProblem ?? "no answer"}).");
    }

    /// <summary>One readiness check against a running container.</summary>
    public async Task<(bool Ok, string? Problem)> ProbeOnceAsync(DockerRunningService service, ContainerState state, ReadinessMode mode, string? path, CancellationToken cancellationToken)
    {
        switch (mode)
        {
            case ReadinessMode.Healthcheck:
                var health = state.Health?.Status;
                return (string.Equals(health, "healthy", StringComparison.Ordinal), $"HEALTHCHECK status {health ?? "unknown"}");
            case ReadinessMode.TcpConnect:
                return await TryConnectAsync(service.BaseAddress, cancellationToken).ConfigureAwait(false);
            default:
                var response = await http.SendAsync(service.BaseAddress,
                    new ServiceRequest("GET", path ?? "/health") { Timeout = options.ReadinessAttemptTimeout, MaxBodyBytes = 4096 },
                    cancellationToken).ConfigureAwait(false);
                return response.IsSuccess
                    ? (true, null)
                    : (false, response.Status is { } status ? $"HTTP {status}" : response.Error);
        }
    }

    private async Task<(bool, string?)> TryConnectAsync(Uri address, CancellationToken cancellationToken)
    {
        using var client = new TcpClient();
        using var attempt = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        attempt.CancelAfter(options.ReadinessAttemptTimeout);
        try
        {
            await client.ConnectAsync(address.Host, address.Port, attempt.Token).ConfigureAwait(false);
            return (true, null);
        }
        catch (SocketException e)
        {
            return (false, e.Message);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return (false, "connect timed out");
        }
    }

    /// <summary>A stopped container the restart policy will not bring back.</summary>
    public static bool ExitedForGood(ContainerState state, string restartPolicy) =>
        !state.Running && !state.Restarting && state.Status is "exited" or "dead" or "created"
        && (restartPolicy == "no" || (restartPolicy == "on-failure" && state.ExitCode == 0));

    private static string Describe(ReadinessMode mode, string? path, int port) => mode switch
    {
        ReadinessMode.HttpPath => $"GET {path} answering 2xx on port {port}",
        ReadinessMode.Healthcheck => "the image's HEALTHCHECK reporting healthy",
        _ => $"a TCP connection to port {port}",
    };
}
