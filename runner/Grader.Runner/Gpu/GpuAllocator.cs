namespace Grader.Runner.Gpu;

/// <summary>
/// Hands out distinct GPUs to concurrent jobs: a job waits until enough devices are free, and its lease
/// returns them when disposed.
/// </summary>
public sealed class GpuAllocator : IGpuAllocator
{
    private readonly IGpuInventory _inventory;
    private readonly object _gate = new();
    private readonly HashSet<int> _leased = [];
    private readonly LinkedList<Waiter> _waiters = new();

    public GpuAllocator(IGpuInventory inventory) => _inventory = inventory;

    public Task<IGpuLease> AcquireAsync(int count, CancellationToken cancellationToken)
    {
        if (!_inventory.Available) throw new GraderInfrastructureException(_inventory.UnavailableReason ?? "no GPU on this runner");
        if (count < 1 || count > _inventory.Devices.Count)
        {
            throw new GraderInfrastructureException($"the job needs {count} GPU(s); this runner has {_inventory.Devices.Count}");
        }
        lock (_gate)
        {
            if (_waiters.Count == 0 && TryTake(count) is { } devices) return Task.FromResult<IGpuLease>(new Lease(this, devices));
            var waiter = new Waiter(count);
            var node = _waiters.AddLast(waiter);
            waiter.Registration = cancellationToken.Register(() =>
            {
                lock (_gate)
                {
                    if (node.List is not null) _waiters.Remove(node);
                }
                waiter.Completion.TrySetCanceled(cancellationToken);
            });
            return waiter.Completion.Task;
        }
    }

    private List<GpuDevice>? TryTake(int count)
    {
        var free = _inventory.Devices.Where(d => !_leased.Contains(d.Index)).Take(count).ToList();
        if (free.Count < count) return null;
        foreach (var d in free) _leased.Add(d.Index);
        return free;
    }

    private void Release(IReadOnlyList<GpuDevice> devices)
    {
        var granted = new List<(Waiter, List<GpuDevice>)>();
        lock (_gate)
        {
            foreach (var d in devices) _leased.Remove(d.Index);
            // First come, first served: the head waiter blocks later ones so a big request is not starved.
            while (_waiters.First is { } head && TryTake(head.Value.Count) is { } taken)
            {
                _waiters.RemoveFirst();
                granted.Add((head.Value, taken));
            }
        }
        foreach (var (waiter, taken) in granted)
        {
            waiter.Registration.Dispose();
            if (!waiter.Completion.TrySetResult(new Lease(this, taken))) Release(taken);
        }
    }

    private sealed class Waiter(int count)
    {
        public int Count { get; } = count;
        public TaskCompletionSource<IGpuLease> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public CancellationTokenRegistration Registration { get; set; }
    }

    private sealed class Lease(GpuAllocator owner, IReadOnlyList<GpuDevice> devices) : IGpuLease
    {
        private int _released;

        public IReadOnlyList<GpuDevice> Devices { get; } = devices;

        public ValueTask DisposeAsync()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0) owner.Release(Devices);
            return ValueTask.CompletedTask;
        }
    }
}
