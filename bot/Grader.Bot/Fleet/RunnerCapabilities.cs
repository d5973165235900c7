using System.Text.Json;
using Grader.Runner.Gpu;

namespace Grader.Bot.Fleet;

/// <summary>What a runner machine offers, found at start: CPUs, memory and the GPUs NVML reports (none without a driver).</summary>
public sealed record RunnerCapabilities(int Cpus, long MemoryBytes, IReadOnlyList<RunnerGpu> Gpus, string? GpuUnavailableReason)
{
    public static RunnerCapabilities Detect(IGpuInventory gpus)
    {
        ArgumentNullException.ThrowIfNull(gpus);
        return new RunnerCapabilities(
            Environment.ProcessorCount,
            GC.GetGCMemoryInfo().TotalAvailableMemoryBytes,
            [.. gpus.Devices.Select(d => new RunnerGpu(d.Index, d.Uuid, d.Name, d.MemoryTotalBytes))],
            gpus.Available ? null : gpus.UnavailableReason);
    }

    public string ToJson() => JsonSerializer.Serialize(this, Json);

    public static RunnerCapabilities? FromJson(string json)
    {
        try
        {
            return JsonSerializer.Deserialize<RunnerCapabilities>(json, Json);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
}

public sealed record RunnerGpu(int Index, string Uuid, string Name, long MemoryBytes);
