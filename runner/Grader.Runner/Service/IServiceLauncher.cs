using Grader.Rubrics.Model;

namespace Grader.Runner.Service;

/// <summary>The learner's service, running in an isolated network only the runner reaches.</summary>
public interface IRunningService : IAsyncDisposable
{
    string ContainerId { get; }

    /// <summary>Base address the runner uses to reach the service (e.g. http://172.30.0.2:8080/).</summary>
    Uri BaseAddress { get; }

    /// <summary>The service's log so far (bounded).</summary>
    Task<string> GetLogsAsync(CancellationToken cancellationToken);

    /// <summary>
    /// The job's internal Docker network the service is on, which grader-owned test containers may join to probe
    /// it black-box; null when the service is not on a Docker network.
    /// </summary>
    string? NetworkName => null;
}

public sealed record ServiceLaunchRequest(
    string Image,
    ServiceSpec Spec,
    SandboxLimits Limits,
    IReadOnlyDictionary<string, string> Labels,
    IReadOnlyList<string> GpuDeviceIds);

/// <param name="Service">The running service when it started (ready or not), else null.</param>
/// <param name="Ready">Whether it became ready within the readiness timeout.</param>
/// <param name="Error">Why it is not ready (learner-facing), or null.</param>
public sealed record ServiceStartOutcome(IRunningService? Service, bool Ready, TimeSpan TimeToReady, string? Error, string Logs);

/// <summary>Starts the learner's image as a service and waits for readiness.</summary>
public interface IServiceLauncher
{
    Task<ServiceStartOutcome> StartAsync(ServiceLaunchRequest request, CancellationToken cancellationToken);

    /// <summary>Removes host-side leftovers (firewall rules) of a runner that crashed while a service ran; returns how many.</summary>
    Task<int> SweepAsync(string runnerId, CancellationToken cancellationToken);
}
