using System.Globalization;
using Grader.Bot.Configuration;
using Grader.Runner.Gpu;

namespace Grader.Bot.Integration.Worker;

/// <summary>
/// Gives each concurrent grading its own GPU. Every grading runs in its own worker process, whose runner would see all
/// of the machine's GPUs, so the choice is made here, in the one process that knows every job it runs: a job of the
/// <c>gpu</c> queue leases a device from this process's <see cref="IGpuAllocator"/> (waiting while all are held) and its
/// worker is configured with that device only (<c>Grader:Gpu:Devices</c>); the device requests of its containers then
/// name that device alone. Any other job's worker gets no GPU at all, so it can never touch one another job holds.
/// A runner without GPUs pins nothing: the worker finds none and reports GPU criteria as grader errors, as before.
/// </summary>
public sealed class WorkerGpuPinning(IGpuInventory inventory, IGpuAllocator allocator)
{
    private const string Section = GpuOptions.SectionName;

    /// <summary>Leases the job's GPU (if it gets one) and rewrites the worker's GPU settings; dispose the lease when the worker has ended.</summary>
    public async Task<IGpuLease?> PinAsync(string queue, IDictionary<string, string?> workerSettings, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(workerSettings);
        if (!inventory.Available)
        {
            return null;
        }

        foreach (var key in workerSettings.Keys.Where(k => k.StartsWith(Section + ":" + nameof(GpuOptions.Devices) + ":", StringComparison.OrdinalIgnoreCase)).ToList())
        {
            workerSettings.Remove(key);
        }

        if (!string.Equals(queue, JobQueues.Gpu, StringComparison.OrdinalIgnoreCase))
        {
            workerSettings[Section + ":" + nameof(GpuOptions.Enabled)] = "false";
            return null;
        }

        var lease = await allocator.AcquireAsync(1, cancellationToken).ConfigureAwait(false);
        for (var i = 0; i < lease.Devices.Count; i++)
        {
            workerSettings[string.Create(CultureInfo.InvariantCulture, $"{Section}:{nameof(GpuOptions.Devices)}:{i}")] = lease.Devices[i].Uuid;
        }
        return lease;
    }
}
