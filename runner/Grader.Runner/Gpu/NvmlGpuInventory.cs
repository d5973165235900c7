using System.Globalization;
using Grader.Runner.Gpu.Nvml;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Grader.Runner.Gpu;

/// <summary>Facts about the runner's NVIDIA stack, read once at start.</summary>
public sealed record GpuSystemInfo(string DriverVersion, string? CudaVersion);

/// <summary>
/// The runner's GPUs, found through NVML at start. A runner without NVIDIA driver (or with GPUs disabled)
/// reports <see cref="Available"/> = false with the reason, which GPU criteria show as a grader error.
/// </summary>
public sealed partial class NvmlGpuInventory : IGpuInventory, IDisposable
{
    private readonly NvmlLibrary? _nvml;

    public NvmlGpuInventory(IOptions<GpuOptions> options, ILogger<NvmlGpuInventory> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(logger);
        var settings = options.Value;
        if (!settings.Enabled)
        {
            UnavailableReason = "no GPU on this runner: GPUs are disabled in its configuration";
            return;
        }
        try
        {
            _nvml = NvmlLibrary.Open(settings.LibraryPath);
            System = new GpuSystemInfo(_nvml.DriverVersion(), _nvml.CudaDriverVersion());
            var devices = new List<GpuDevice>();
            for (var i = 0; i < _nvml.DeviceCount(); i++)
            {
                var handle = _nvml.DeviceByIndex(i);
                var device = new GpuDevice(i, _nvml.Uuid(handle), _nvml.Name(handle), (long)_nvml.Memory(handle).Total);
                if (settings.Devices.Count == 0 || settings.Devices.Contains(device.Uuid) || settings.Devices.Contains(i.ToString(CultureInfo.InvariantCulture)))
                {
                    devices.Add(device);
                }
            }
            Devices = devices;
            if (devices.Count == 0) UnavailableReason = "no GPU on this runner: NVML found no (selected) device";
            LogFound(logger, devices.Count, System.DriverVersion, System.CudaVersion ?? "unknown");
        }
        catch (NvmlException e)
        {
            _nvml?.Dispose();
            _nvml = null;
            UnavailableReason = $"no GPU on this runner: {e.Message}";
            LogUnavailable(logger, e.Message);
        }
    }

    public bool Available => Devices.Count > 0;
    public string? UnavailableReason { get; }
    public IReadOnlyList<GpuDevice> Devices { get; } = [];
    public GpuSystemInfo? System { get; }

    /// <summary>The loaded NVML library, for sampling; null when unavailable.</summary>
    internal NvmlLibrary? Nvml => _nvml;

    public void Dispose() => _nvml?.Dispose();

    [LoggerMessage(Level = LogLevel.Information, Message = "NVML: {Count} GPU(s), driver {Driver}, CUDA {Cuda}")]
    private static partial void LogFound(ILogger logger, int count, string driver, string cuda);

    [LoggerMessage(Level = LogLevel.Information, Message = "No GPU available to this runner: {Reason}")]
    private static partial void LogUnavailable(ILogger logger, string reason);
}
