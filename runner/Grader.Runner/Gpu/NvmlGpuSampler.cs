using Grader.Runner.Gpu.Nvml;

namespace Grader.Runner.Gpu;

/// <summary>
/// Samples NVML in the background while a step runs: one sample when started, one per interval, and one
/// when stopped, so even a short step has a first and last reading. Readings of the job's devices are
/// added up per sample (memory, power) or averaged (utilisation).
/// </summary>
public sealed class NvmlGpuSampler : IGpuSampler
{
    private readonly NvmlGpuInventory _inventory;
    private readonly TimeProvider _time;

    public NvmlGpuSampler(NvmlGpuInventory inventory, TimeProvider time)
    {
        _inventory = inventory;
        _time = time;
    }

    public IGpuSamplingSession Start(IReadOnlyList<GpuDevice> devices, TimeSpan interval)
    {
        ArgumentNullException.ThrowIfNull(devices);
        var nvml = _inventory.Nvml ?? throw new GraderInfrastructureException(_inventory.UnavailableReason ?? "no GPU on this runner");
        if (interval <= TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(interval), "the sample interval must be positive");
        return new Session(nvml, devices, interval, _time);
    }

    private sealed record Sample(long Timestamp, ulong MemoryUsed, double Utilization, double PowerWatts, double Temperature, ulong? EnergyMillijoules);

    private sealed class Session : IGpuSamplingSession
    {
        private readonly NvmlLibrary _nvml;
        private readonly IReadOnlyList<GpuDevice> _devices;
        private readonly TimeProvider _time;
        private readonly List<Sample> _samples = [];
        private readonly object _gate = new();
        private readonly CancellationTokenSource _stop = new();
        private readonly Task _loop;
        private string? _error;
        private GpuTelemetrySummary? _summary;

        public Session(NvmlLibrary nvml, IReadOnlyList<GpuDevice> devices, TimeSpan interval, TimeProvider time)
        {
            _nvml = nvml;
            _devices = devices;
            _time = time;
            TakeSample();
            _loop = RunAsync(interval);
        }

        private async Task RunAsync(TimeSpan interval)
        {
            using var timer = new PeriodicTimer(interval, _time);
            try
            {
                while (await timer.WaitForNextTickAsync(_stop.Token).ConfigureAwait(false)) TakeSample();
            }
            catch (OperationCanceledException)
            {
                // Stopped: the final sample is taken by StopAsync.
            }
        }

        private void TakeSample()
        {
            try
            {
                ulong memory = 0, energy = 0;
                double utilization = 0, power = 0, temperature = 0;
                var energyKnown = true;
                foreach (var device in _devices)
                {
                    var handle = _nvml.DeviceByIndex(device.Index);
                    memory += _nvml.Memory(handle).Used;
                    utilization += _nvml.Utilization(handle).Gpu;
                    power += (_nvml.PowerMilliwatts(handle) ?? 0) / 1000.0;
                    temperature = Math.Max(temperature, _nvml.TemperatureCelsius(handle));
                    var e = _nvml.TotalEnergyMillijoules(handle);
                    if (e is null) energyKnown = false;
                    else energy += e.Value;
                }
                var sample = new Sample(_time.GetTimestamp(), memory, utilization / Math.Max(1, _devices.Count) / 100.0, power, temperature, energyKnown ? energy : null);
                lock (_gate) _samples.Add(sample);
            }
            catch (NvmlException e)
            {
                lock (_gate) _error = e.Message;
            }
        }

        public async Task<GpuTelemetrySummary> StopAsync()
        {
            if (_summary is not null) return _summary;
            await _stop.CancelAsync().ConfigureAwait(false);
            await _loop.ConfigureAwait(false);
            TakeSample();
            lock (_gate)
            {
                _summary = Summarize();
                return _summary;
            }
        }

        private GpuTelemetrySummary Summarize()
        {
            if (_samples.Count == 0) return new GpuTelemetrySummary(0, 0, 0, 0, 0, 0, 0) { Error = _error ?? "no GPU samples were taken" };
            double energy;
            var first = _samples[0];
            var last = _samples[^1];
            if (first.EnergyMillijoules is { } e0 && last.EnergyMillijoules is { } e1 && e1 >= e0)
            {
                energy = (e1 - e0) / 1000.0;
            }
            else
            {
                // No energy counter: integrate power over time (trapezoids).
                energy = 0;
                for (var i = 1; i < _samples.Count; i++)
                {
                    var seconds = _time.GetElapsedTime(_samples[i - 1].Timestamp, _samples[i].Timestamp).TotalSeconds;
                    energy += (_samples[i - 1].PowerWatts + _samples[i].PowerWatts) / 2 * seconds;
                }
            }
            return new GpuTelemetrySummary(
                _samples.Count,
                (long)_samples.Max(s => s.MemoryUsed),
                _samples.Average(s => s.Utilization),
                _samples.Max(s => s.Utilization),
                energy,
                _samples.Max(s => s.PowerWatts),
                _samples.Max(s => s.Temperature)) { Error = _error };
        }

        public async ValueTask DisposeAsync()
        {
            await StopAsync().ConfigureAwait(false);
            _stop.Dispose();
        }
    }
}
