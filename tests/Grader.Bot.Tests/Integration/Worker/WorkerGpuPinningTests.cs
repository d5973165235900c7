using Grader.Bot.Integration.Worker;
using Grader.Runner.Gpu;
using Grader.Runner.Tests.Gpu;

namespace Grader.Bot.Tests.Integration.Worker;

/// <summary>
/// Each concurrent GPU grading gets a GPU of its own: the runner process leases it and its worker is configured with
/// that device alone. Against the NVML stand-in (a real shared library built with gcc, loaded through P/Invoke).
/// </summary>
public sealed class WorkerGpuPinningTests
{
    private const string Devices = "Grader:Gpu:Devices";

    private static Dictionary<string, string?> RunnerSettings() => new(StringComparer.OrdinalIgnoreCase)
    {
        ["Grader:Runner:RunnerId"] = "runner-a",
        [Devices + ":0"] = "0",
        [Devices + ":1"] = "1",
    };

    private static string[] PinnedDevices(IDictionary<string, string?> settings) =>
        [.. settings.Where(kv => kv.Key.StartsWith(Devices + ":", StringComparison.OrdinalIgnoreCase)).Select(kv => kv.Value!)];

    [Test]
    public async Task PinAsync_TwoConcurrentGpuJobs_EachWorkerConfiguredWithADifferentSingleDevice()
    {
        using var inventory = GpuTestSupport.Inventory(FakeNvml.NewLibrary(devices: 2));
        var pinning = new WorkerGpuPinning(inventory, new GpuAllocator(inventory));
        var (first, second) = (RunnerSettings(), RunnerSettings());

        await using var firstLease = await pinning.PinAsync("gpu", first, CancellationToken.None);
        await using var secondLease = await pinning.PinAsync("gpu", second, CancellationToken.None);

        Assert.Multiple(() =>
        {
            Assert.That(PinnedDevices(first), Has.Length.EqualTo(1));
            Assert.That(PinnedDevices(second), Has.Length.EqualTo(1));
            Assert.That(PinnedDevices(first)[0], Is.Not.EqualTo(PinnedDevices(second)[0]));
            Assert.That(inventory.Devices.Select(d => d.Uuid), Does.Contain(PinnedDevices(first)[0]).And.Contain(PinnedDevices(second)[0]));
            Assert.That(first["Grader:Runner:RunnerId"], Is.EqualTo("runner-a"), "other settings pass through");
        });
    }

    [Test]
    public async Task PinAsync_EveryGpuHeld_WaitsUntilAJobEndsThenGetsItsDevice()
    {
        using var inventory = GpuTestSupport.Inventory(FakeNvml.NewLibrary(devices: 1));
        var pinning = new WorkerGpuPinning(inventory, new GpuAllocator(inventory));
        var held = await pinning.PinAsync("gpu", RunnerSettings(), CancellationToken.None);
        var waiting = RunnerSettings();

        var pin = pinning.PinAsync("gpu", waiting, CancellationToken.None);
        Assert.That(pin.IsCompleted, Is.False, "a second GPU job waits while the only GPU is held");

        await held!.DisposeAsync();
        await using var lease = await pin.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.That(PinnedDevices(waiting), Is.EqualTo(new[] { inventory.Devices[0].Uuid }));
    }

    [Test]
    public async Task PinAsync_CpuJobOnAGpuRunner_WorkerGetsNoGpu()
    {
        using var inventory = GpuTestSupport.Inventory(FakeNvml.NewLibrary(devices: 2));
        var pinning = new WorkerGpuPinning(inventory, new GpuAllocator(inventory));
        var settings = RunnerSettings();

        var lease = await pinning.PinAsync("cpu", settings, CancellationToken.None);

        Assert.Multiple(() =>
        {
            Assert.That(lease, Is.Null);
            Assert.That(settings["Grader:Gpu:Enabled"], Is.EqualTo("false"));
            Assert.That(PinnedDevices(settings), Is.Empty);
        });
    }

    [Test]
    public async Task PinAsync_RunnerWithoutGpu_SettingsLeftForTheWorkerToReportTheGpuCriteria()
    {
        using var inventory = GpuTestSupport.Inventory(FakeNvml.NewLibrary(initError: 9));
        var pinning = new WorkerGpuPinning(inventory, new GpuAllocator(inventory));
        var settings = RunnerSettings();

        var lease = await pinning.PinAsync("gpu", settings, CancellationToken.None);

        Assert.Multiple(() =>
        {
            Assert.That(lease, Is.Null);
            Assert.That(settings, Is.EquivalentTo(RunnerSettings()));
        });
    }
}
