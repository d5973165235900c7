using Grader.Runner.Gpu;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Grader.Runner.Tests.Gpu;

internal static class GpuTestSupport
{
    public static NvmlGpuInventory Inventory(string libraryPath, bool enabled = true, params string[] devices)
    {
        var options = new GpuOptions { Enabled = enabled, LibraryPath = libraryPath };
        foreach (var d in devices) options.Devices.Add(d);
        return new NvmlGpuInventory(Options.Create(options), NullLogger<NvmlGpuInventory>.Instance);
    }
}
