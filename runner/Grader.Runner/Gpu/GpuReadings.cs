using Grader.Runner.Gpu.Nvml;

namespace Grader.Runner.Gpu;

/// <summary>One GPU's utilisation (0..1) and memory in use, read now.</summary>
public sealed record GpuReading(GpuDevice Device, double Utilization, long MemoryUsedBytes);

/// <summary>The runner's GPUs as they are now (for a host's monitoring); empty on a runner without GPUs.</summary>
public interface IGpuReadings
{
    IReadOnlyList<GpuReading> Read();
}

/// <summary>
/// Reads the inventory's devices through its NVML handle. A device NVML fails to read is left out rather than reported
/// as zero: a missing reading is not an idle GPU.
/// </summary>
public sealed class NvmlGpuReadings(NvmlGpuInventory inventory) : IGpuReadings
{
    public IReadOnlyList<GpuReading> Read()
    {
        if (inventory.Nvml is not { } nvml) return [];
        var readings = new List<GpuReading>(inventory.Devices.Count);
        foreach (var device in inventory.Devices)
        {
            try
            {
                var handle = nvml.DeviceByIndex(device.Index);
                readings.Add(new GpuReading(device, nvml.Utilization(handle).Gpu / 100.0, (long)nvml.Memory(handle).Used));
            }
            catch (NvmlException)
            {
                // Left out (see above); the sampler reports NVML errors of a graded step.
            }
        }
        return readings;
    }
}
