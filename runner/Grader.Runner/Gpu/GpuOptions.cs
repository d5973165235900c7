using Grader.Runner.Gpu.Nvml;

namespace Grader.Runner.Gpu;

/// <summary>GPU settings of a runner (section "Grader:Gpu").</summary>
public sealed class GpuOptions
{
    public const string SectionName = "Grader:Gpu";

    /// <summary>Whether to look for GPUs at all; false makes every GPU criterion a grader error on this runner.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>The NVML library to load (a file name searched the usual way, or a path).</summary>
    public string LibraryPath { get; set; } = NvmlLibrary.DefaultLibrary;

    /// <summary>Only these device indexes or UUIDs are used by this runner; empty = all.</summary>
    public IList<string> Devices { get; init; } = [];
}
