using Grader.Runner.Gpu;

namespace Grader.Runner.Tests.Gpu;

public sealed class GpuAllocatorTests
{
    [Test]
    public async Task AcquireAsync_ConcurrentJobs_GetDistinctDevices()
    {
        using var inventory = GpuTestSupport.Inventory(FakeNvml.NewLibrary(devices: 2));
        var allocator = new GpuAllocator(inventory);

        await using var first = await allocator.AcquireAsync(1, CancellationToken.None);
        await using var second = await allocator.AcquireAsync(1, CancellationToken.None);

        Assert.That(first.Devices[0].Uuid, Is.Not.EqualTo(second.Devices[0].Uuid));
    }

    [Test]
    public async Task AcquireAsync_AllLeased_WaitsUntilALeaseIsReturned()
    {
        using var inventory = GpuTestSupport.Inventory(FakeNvml.NewLibrary(devices: 1));
        var allocator = new GpuAllocator(inventory);
        var first = await allocator.AcquireAsync(1, CancellationToken.None);

        var waiting = allocator.AcquireAsync(1, CancellationToken.None);
        Assert.That(waiting.IsCompleted, Is.False);

        await first.DisposeAsync();
        await using var second = await waiting.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.That(second.Devices[0].Index, Is.Zero);
    }

    [Test]
    public async Task AcquireAsync_WaiterCancelled_DoesNotHoldDevices()
    {
        using var inventory = GpuTestSupport.Inventory(FakeNvml.NewLibrary(devices: 1));
        var allocator = new GpuAllocator(inventory);
        var first = await allocator.AcquireAsync(1, CancellationToken.None);
        using var cancel = new CancellationTokenSource();

        var waiting = allocator.AcquireAsync(1, cancel.Token);
        await cancel.CancelAsync();
        Assert.That(async () => await waiting, Throws.InstanceOf<OperationCanceledException>());

        await first.DisposeAsync();
        await using var again = await allocator.AcquireAsync(1, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10));
        Assert.That(again.Devices, Has.Count.EqualTo(1));
    }

    [Test]
    public void AcquireAsync_NoGpuOnRunner_ThrowsGraderInfrastructureExceptionWithReason()
    {
        using var inventory = GpuTestSupport.Inventory(FakeNvml.NewLibrary(initError: 9));
        var allocator = new GpuAllocator(inventory);

        Assert.That(async () => await allocator.AcquireAsync(1, CancellationToken.None),
            Throws.TypeOf<GraderInfrastructureException>().With.Message.Contains("no GPU on this runner"));
    }

    [Test]
    public void AcquireAsync_MoreThanTheRunnerHas_ThrowsGraderInfrastructureException()
    {
        using var inventory = GpuTestSupport.Inventory(FakeNvml.NewLibrary(devices: 2));
        var allocator = new GpuAllocator(inventory);

        Assert.That(async () => await allocator.AcquireAsync(3, CancellationToken.None),
            Throws.TypeOf<GraderInfrastructureException>().With.Message.Contains("needs 3 GPU(s)"));
    }
}
