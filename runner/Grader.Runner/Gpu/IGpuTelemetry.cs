namespace Grader.Runner.Gpu;

public sealed record GpuDevice(int Index, string Uuid, string Name, long MemoryTotalBytes);

/// <summary>GPUs on this runner, read through NVML. <see cref="Available"/> is false on a runner without GPUs or driver.</summary>
public interface IGpuInventory
{
    bool Available { get; }

    /// <summary>Why no GPU can be used (e.g. "no GPU on this runner: libnvidia-ml.so.1 not found").</summary>
    string? UnavailableReason { get; }

    IReadOnlyList<GpuDevice> Devices { get; }

    /// <summary>Driver facts (recorded in competency evidence); null when unknown.</summary>
    GpuSystemInfo? System => null;
}

/// <summary>GPUs leased to one job; concurrent jobs get distinct devices. Disposing returns them.</summary>
public interface IGpuLease : IAsyncDisposable
{
    IReadOnlyList<GpuDevice> Devices { get; }
}

public interface IGpuAllocator
{
    /// <summary>Waits until <paramref name="count"/> GPUs are free and leases them.</summary>
    Task<IGpuLease> AcquireAsync(int count, CancellationToken cancellationToken);
}

/// <summary>Telemetry summarised over one step.</summary>
public sealed record GpuTelemetrySummary(
    int Samples,
    long PeakMemoryUsedBytes,
    double MeanUtilization,
    double PeakUtilization,
    double EnergyJoules,
    double PeakPowerWatts,
    double PeakTemperatureCelsius)
{
    /// <summary>The last NVML error seen while sampling, or null; a summary with no samples and an error is a grader error.</summary>
    public string? Error { get; init; }
}

/// <summary>Samples telemetry in the background while a step runs.</summary>
public interface IGpuSampler
{
    IGpuSamplingSession Start(IReadOnlyList<GpuDevice> devices, TimeSpan interval);
}

public interface IGpuSamplingSession : IAsyncDisposable
{
    Task<GpuTelemetrySummary> StopAsync();
}
