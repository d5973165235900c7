using Grader.Runner.Gpu;
using Microsoft.Extensions.Time.Testing;

namespace Grader.Runner.Tests.Gpu;

public sealed class NvmlGpuSamplerTests
{
    private const long Gib = 1L << 30;
    private const long Mib = 1L << 20;

    [Test]
    public async Task StopAsync_StartAndStopOnly_SummarisesTwoSamplesAcrossDevices()
    {
        using var inventory = GpuTestSupport.Inventory(FakeNvml.NewLibrary(devices: 2));
        var sampler = new NvmlGpuSampler(inventory, new FakeTimeProvider());

        await using var session = sampler.Start(inventory.Devices, TimeSpan.FromSeconds(1));
        var summary = await session.StopAsync();

        // Per device, readings grow each call: memory (i+1) GiB + 256 MiB per call (the inventory took the first
        // reading for the total), utilisation 10% + 10 points per call.
        Assert.Multiple(() =>
        {
            Assert.That(summary.Samples, Is.EqualTo(2));
            Assert.That(summary.PeakMemoryUsedBytes, Is.EqualTo((1 * Gib + 512 * Mib) + (2 * Gib + 512 * Mib)));
            Assert.That(summary.MeanUtilization, Is.EqualTo(0.15).Within(1e-9));
            Assert.That(summary.PeakUtilization, Is.EqualTo(0.20).Within(1e-9));
            Assert.That(summary.EnergyJoules, Is.EqualTo(2000).Within(1e-9), "1000 J per device between the energy counter's readings");
            Assert.That(summary.PeakPowerWatts, Is.EqualTo(501).Within(1e-9));
            Assert.That(summary.PeakTemperatureCelsius, Is.EqualTo(61));
            Assert.That(summary.Error, Is.Null);
        });
    }

    [Test]
    public async Task StopAsync_TimerTicks_SamplesEachInterval()
    {
        using var inventory = GpuTestSupport.Inventory(FakeNvml.NewLibrary(devices: 1));
        var time = new FakeTimeProvider();
        var sampler = new NvmlGpuSampler(inventory, time);

        await using var session = sampler.Start(inventory.Devices, TimeSpan.FromMilliseconds(200));
        for (var tick = 0; tick < 3; tick++) time.Advance(TimeSpan.FromMilliseconds(200));
        var summary = await session.StopAsync();

        // The start sample, and the final one; each Advance releases one tick of the periodic timer, which the
        // sampling loop may or may not have awaited yet, so at least the two and at most all five are taken.
        Assert.That(summary.Samples, Is.InRange(2, 5));
        Assert.That(summary.PeakMemoryUsedBytes, Is.EqualTo(Gib + summary.Samples * 256 * Mib));
    }

    [Test]
    public async Task StopAsync_NoEnergyCounter_IntegratesPowerOverTime()
    {
        using var inventory = GpuTestSupport.Inventory(FakeNvml.NewLibrary(devices: 2, energySupported: false));
        var time = new FakeTimeProvider();
        var sampler = new NvmlGpuSampler(inventory, time);

        await using var session = sampler.Start(inventory.Devices, TimeSpan.FromHours(1));
        time.Advance(TimeSpan.FromSeconds(10));
        var summary = await session.StopAsync();

        Assert.That(summary.EnergyJoules, Is.EqualTo(501 * 10).Within(1e-6), "501 W for 10 s");
    }

    [Test]
    public async Task StopAsync_DeviceLost_ReportsErrorAndNoSamples()
    {
        using var inventory = GpuTestSupport.Inventory(FakeNvml.NewLibrary(sampleError: 15));
        var sampler = new NvmlGpuSampler(inventory, new FakeTimeProvider());

        await using var session = sampler.Start(inventory.Devices, TimeSpan.FromSeconds(1));
        var summary = await session.StopAsync();

        Assert.Multiple(() =>
        {
            Assert.That(summary.Samples, Is.Zero);
            Assert.That(summary.Error, Does.Contain("GPU is lost"));
        });
    }

    [Test]
    public void Start_NoGpu_ThrowsGraderInfrastructureException()
    {
        using var inventory = GpuTestSupport.Inventory(FakeNvml.NewLibrary(initError: 9));
        var sampler = new NvmlGpuSampler(inventory, TimeProvider.System);

        Assert.Throws<GraderInfrastructureException>(() => sampler.Start([], TimeSpan.FromSeconds(1)));
    }
}
