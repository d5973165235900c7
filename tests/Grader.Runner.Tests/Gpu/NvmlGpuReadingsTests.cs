using Grader.Runner.Gpu;

namespace Grader.Runner.Tests.Gpu;

/// <summary>The readings a host's /metrics shows per GPU, through the NVML stand-in (fake_nvml.c).</summary>
public sealed class NvmlGpuReadingsTests
{
    private const long Gib = 1L << 30;
    private const long Mib = 1L << 20;

    [Test]
    public void Read_TwoDevices_OneReadingPerDevice()
    {
        using var inventory = GpuTestSupport.Inventory(FakeNvml.NewLibrary(devices: 2));

        var readings = new NvmlGpuReadings(inventory).Read();

        // The stand-in's second memory reading of device i (the inventory took the first): (i+1) GiB + 256 MiB; its first utilisation: 10%.
        Assert.That(readings.Select(r => (r.Device.Index, r.Utilization, r.MemoryUsedBytes)), Is.EqualTo(new[]
        {
            (0, 0.10, 1 * Gib + 256 * Mib),
            (1, 0.10, 2 * Gib + 256 * Mib),
        }));
    }

    [Test]
    public void Read_NvmlFailsToSample_NoReadingRatherThanZero()
    {
        using var inventory = GpuTestSupport.Inventory(FakeNvml.NewLibrary(devices: 2, sampleError: 999));

        Assert.That(new NvmlGpuReadings(inventory).Read(), Is.Empty);
    }

    [Test]
    public void Read_NoNvmlLibrary_NoReadings()
    {
        using var inventory = GpuTestSupport.Inventory("/nonexistent/libnvidia-ml.so.1");

        Assert.That(new NvmlGpuReadings(inventory).Read(), Is.Empty);
    }

    [Test]
    public void Read_GpusDisabled_NoReadings()
    {
        using var inventory = GpuTestSupport.Inventory(FakeNvml.NewLibrary(devices: 1), enabled: false);

        Assert.That(new NvmlGpuReadings(inventory).Read(), Is.Empty);
    }
}
