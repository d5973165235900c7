using System.Globalization;
using Grader.Bot.Configuration;
using Grader.Runner.Gpu;
using Hangfire;
using Microsoft.Extensions.Options;

namespace Grader.Bot.Monitoring;

/// <summary>
/// Takes the readings that live elsewhere when <c>/metrics</c> is scraped: queue depths from Hangfire's monitoring API
/// (every process shares the storage, so every process reports them), and on a runner its GPUs through NVML. A reading
/// that fails is left out, never reported as zero.
/// </summary>
public sealed partial class GraderMetricsCollector(
    GraderMetrics metrics,
    IOptions<BotOptions> options,
    IServiceProvider services,
    ILogger<GraderMetricsCollector> logger)
{
    private int _attached;

    /// <summary>Hooks the readings to the registry's scrapes (once); a runner's busy and workers series start now.</summary>
    public void Attach()
    {
        if (Interlocked.Exchange(ref _attached, 1) == 1) return;
        if (options.Value.RunJobs) metrics.RunnerStarted(options.Value.WorkerCount);
        metrics.Registry.AddBeforeCollectCallback(Collect);
    }

    public void Collect()
    {
        CollectQueues();
        if (options.Value.RunJobs) CollectGpus();
    }

    private void CollectQueues()
    {
        if (services.GetService<JobStorage>() is not { } storage) return;
        try
        {
            var monitoring = storage.GetMonitoringApi();
            var queues = new HashSet<string>([JobQueues.Cpu, JobQueues.Gpu, .. options.Value.EffectiveQueues], StringComparer.Ordinal);
            foreach (var queue in monitoring.Queues()) queues.Add(queue.Name);
            foreach (var queue in queues) metrics.SetQueueDepth(queue, monitoring.EnqueuedCount(queue));
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // Storage down: no reading this scrape (readiness reports it); the previous values stay.
            LogQueuesUnreadable(logger, ex.Message);
        }
    }

    private void CollectGpus()
    {
        if (services.GetService<IGpuReadings>() is not { } gpus) return;
        foreach (var reading in gpus.Read())
        {
            metrics.GpuReading(reading.Device.Index.ToString(CultureInfo.InvariantCulture), reading.Utilization, reading.MemoryUsedBytes);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Queue depths not read for /metrics: {Reason}")]
    private static partial void LogQueuesUnreadable(ILogger logger, string reason);
}
