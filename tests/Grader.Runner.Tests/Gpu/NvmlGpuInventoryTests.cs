namespace Grader.Runner.Tests.Gpu;

public sealed class NvmlGpuInventoryTests
{
    [Test]
    public void Constructor_StandInWithTwoDevices_ListsThem()
    {
        using var inventory = GpuTestSupport.Inventory(FakeNvml.NewLibrary(devices: 2));

        Assert.Multiple(() =>
        {
            Assert.That(inventory.Available, Is.True);
            Assert.That(inventory.UnavailableReason, Is.Null);
            Assert.That(inventory.Devices.Select(d => d.Name), Is.EqualTo(new[] { "Fake H100 80GB HBM3 #0", "Fake H100 80GB HBM3 #1" }));
            Assert.That(inventory.Devices[0].MemoryTotalBytes, Is.EqualTo(80L << 30));
            Assert.That(inventory.System!.DriverVersion, Is.EqualTo("550.54.15"));
        });
    }

    [Test]
    public void Constructor_DeviceFilter_KeepsOnlySelectedDevices()
    {
        using var inventory = GpuTestSupport.Inventory(FakeNvml.NewLibrary(devices: 3), true, "GPU-00000002-1111-2222-3333-444444444444", "0");

        Assert.That(inventory.Devices.Select(d => d.Index), Is.EqualTo(new[] { 0, 2 }));
    }

    [Test]
    public void Constructor_NoNvmlLibrary_IsUnavailableWithReason()
    {
        using var inventory = GpuTestSupport.Inventory(Path.Combine(Path.GetTempPath(), $"absent-{Guid.NewGuid():N}.so"));

        Assert.Multiple(() =>
        {
            Assert.That(inventory.Available, Is.False);
            Assert.That(inventory.UnavailableReason, Does.StartWith("no GPU on this runner:"));
            Assert.That(inventory.Devices, Is.Empty);
        });
    }

    [Test]
    public void Constructor_DriverNotLoaded_ReasonCarriesNvmlMessage()
    {
        using var inventory = GpuTestSupport.Inventory(FakeNvml.NewLibrary(initError: 9));

        Assert.That(inventory.UnavailableReason, Does.Contain("Driver Not Loaded"));
    }

    [Test]
    public void Constructor_Disabled_IsUnavailableWithoutLoadingNvml()
    {
        using var inventory = GpuTestSupport.Inventory(FakeNvml.NewLibrary(), enabled: false);

        Assert.Multiple(() =>
        {
            Assert.That(inventory.Available, Is.False);
            Assert.That(inventory.UnavailableReason, Does.Contain("disabled"));
        });
    }
}
