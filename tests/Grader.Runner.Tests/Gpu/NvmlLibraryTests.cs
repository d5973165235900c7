using Grader.Runner.Gpu.Nvml;

namespace Grader.Runner.Tests.Gpu;

public sealed class NvmlLibraryTests
{
    [Test]
    public void Open_StandInLibrary_ReadsSystemAndDeviceFacts()
    {
        using var nvml = NvmlLibrary.Open(FakeNvml.NewLibrary(devices: 2));

        Assert.Multiple(() =>
        {
            Assert.That(nvml.DriverVersion(), Is.EqualTo("550.54.15"));
            Assert.That(nvml.CudaDriverVersion(), Is.EqualTo("12.4"));
            Assert.That(nvml.DeviceCount(), Is.EqualTo(2));
        });
        var second = nvml.DeviceByIndex(1);
        Assert.Multiple(() =>
        {
            Assert.That(nvml.Name(second), Is.EqualTo("Fake H100 80GB HBM3 #1"));
            Assert.That(nvml.Uuid(second), Is.EqualTo("GPU-00000001-1111-2222-3333-444444444444"));
            Assert.That(nvml.Memory(second).Total, Is.EqualTo(80UL << 30));
            Assert.That(nvml.Memory(second).Used, Is.EqualTo((2UL << 30) + (256UL << 20)), "the second reading grows by 256 MiB");
            Assert.That(nvml.Utilization(second).Gpu, Is.EqualTo(10u));
            Assert.That(nvml.PowerMilliwatts(second), Is.EqualTo(251_000u));
            Assert.That(nvml.TemperatureCelsius(second), Is.EqualTo(61u));
            Assert.That(nvml.ClockMegahertz(second, NvmlClockType.Memory), Is.EqualTo(2619u));
            Assert.That(nvml.TotalEnergyMillijoules(second), Is.EqualTo(5_000_000UL));
        });
    }

    [Test]
    public void Open_MissingLibrary_ThrowsLibraryNotFoundWithPath()
    {
        var missing = Path.Combine(Path.GetTempPath(), $"no-such-{Guid.NewGuid():N}", "libnvidia-ml.so.1");

        var error = Assert.Throws<NvmlException>(() => NvmlLibrary.Open(missing));

        Assert.Multiple(() =>
        {
            Assert.That(error!.Code, Is.EqualTo(NvmlReturn.LibraryNotFound));
            Assert.That(error.Message, Does.Contain(missing));
        });
    }

    [Test]
    public void Open_InitFails_ThrowsWithNvmlErrorString()
    {
        var library = FakeNvml.NewLibrary(initError: (int)NvmlReturn.DriverNotLoaded);

        var error = Assert.Throws<NvmlException>(() => NvmlLibrary.Open(library));

        Assert.Multiple(() =>
        {
            Assert.That(error!.Code, Is.EqualTo(NvmlReturn.DriverNotLoaded));
            Assert.That(error.Function, Is.EqualTo("nvmlInit_v2"));
            Assert.That(error.Message, Does.Contain("Driver Not Loaded"));
        });
    }

    [Test]
    public void DeviceByIndex_OutOfRange_ThrowsInvalidArgument()
    {
        using var nvml = NvmlLibrary.Open(FakeNvml.NewLibrary(devices: 1));

        var error = Assert.Throws<NvmlException>(() => nvml.DeviceByIndex(3));

        Assert.That(error!.Code, Is.EqualTo(NvmlReturn.InvalidArgument));
    }

    [Test]
    public void TotalEnergyMillijoules_Unsupported_ReturnsNull()
    {
        using var nvml = NvmlLibrary.Open(FakeNvml.NewLibrary(energySupported: false));

        Assert.That(nvml.TotalEnergyMillijoules(nvml.DeviceByIndex(0)), Is.Null);
    }
}
