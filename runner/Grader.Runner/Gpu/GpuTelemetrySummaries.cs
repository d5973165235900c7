namespace Grader.Runner.Gpu;

public static class GpuTelemetrySummaries
{
    /// <summary>Two summaries of the same step (e.g. two benchmark criteria) as one: peaks are the larger, means weighted by samples, energy added.</summary>
    public static GpuTelemetrySummary Combine(GpuTelemetrySummary a, GpuTelemetrySummary b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        var samples = a.Samples + b.Samples;
        var mean = samples == 0 ? 0 : (a.MeanUtilization * a.Samples + b.MeanUtilization * b.Samples) / samples;
        return new GpuTelemetrySummary(
            samples,
            Math.Max(a.PeakMemoryUsedBytes, b.PeakMemoryUsedBytes),
            mean,
            Math.Max(a.PeakUtilization, b.PeakUtilization),
            a.EnergyJoules + b.EnergyJoules,
            Math.Max(a.PeakPowerWatts, b.PeakPowerWatts),
            Math.Max(a.PeakTemperatureCelsius, b.PeakTemperatureCelsius)) { Error = b.Error ?? a.Error };
    }
}
