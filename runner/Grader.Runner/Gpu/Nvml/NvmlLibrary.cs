using System.Runtime.InteropServices;
using System.Text;

namespace Grader.Runner.Gpu.Nvml;

/// <summary>Memory of a device in bytes (nvmlMemory_t).</summary>
[StructLayout(LayoutKind.Sequential)]
public struct NvmlMemory
{
    public ulong Total;
    public ulong Free;
    public ulong Used;
}

/// <summary>Utilisation in percent over the driver's last sample period (nvmlUtilization_t).</summary>
[StructLayout(LayoutKind.Sequential)]
public struct NvmlUtilization
{
    public uint Gpu;
    public uint Memory;
}

/// <summary>nvmlClockType_t.</summary>
public enum NvmlClockType
{
    Graphics = 0,
    Sm = 1,
    Memory = 2,
    Video = 3,
}

/// <summary>
/// NVML (libnvidia-ml.so.1) through P/Invoke. The library is loaded from a configurable path with
/// <see cref="NativeLibrary"/> and its entry points bound to unmanaged function pointers, so a runner can
/// point at a specific driver and the tests at a stand-in library built from C.
/// </summary>
public sealed unsafe class NvmlLibrary : IDisposable
{
    public const string DefaultLibrary = "libnvidia-ml.so.1";
    private const int NameBufferSize = 96;   // NVML_DEVICE_NAME_V2_BUFFER_SIZE
    private const int UuidBufferSize = 80;   // NVML_DEVICE_UUID_V2_BUFFER_SIZE
    private const int VersionBufferSize = 80; // NVML_SYSTEM_DRIVER_VERSION_BUFFER_SIZE

    private readonly nint _handle;
    private readonly delegate* unmanaged<int> _init;
    private readonly delegate* unmanaged<int> _shutdown;
    private readonly delegate* unmanaged<int, byte*> _errorString;
    private readonly delegate* unmanaged<byte*, uint, int> _driverVersion;
    private readonly delegate* unmanaged<int*, int> _cudaDriverVersion;
    private readonly delegate* unmanaged<uint*, int> _deviceCount;
    private readonly delegate* unmanaged<uint, nint*, int> _handleByIndex;
    private readonly delegate* unmanaged<nint, byte*, uint, int> _name;
    private readonly delegate* unmanaged<nint, byte*, uint, int> _uuid;
    private readonly delegate* unmanaged<nint, NvmlMemory*, int> _memoryInfo;
    private readonly delegate* unmanaged<nint, NvmlUtilization*, int> _utilization;
    private readonly delegate* unmanaged<nint, uint*, int> _powerUsage;
    private readonly delegate* unmanaged<nint, int, uint*, int> _temperature;
    private readonly delegate* unmanaged<nint, int, uint*, int> _clockInfo;
    private readonly delegate* unmanaged<nint, ulong*, int> _totalEnergy;
    private bool _initialized;

    private NvmlLibrary(nint handle)
    {
        _handle = handle;
        _init = (delegate* unmanaged<int>)Export("nvmlInit_v2");
        _shutdown = (delegate* unmanaged<int>)Export("nvmlShutdown");
        _errorString = (delegate* unmanaged<int, byte*>)Export("nvmlErrorString");
        _driverVersion = (delegate* unmanaged<byte*, uint, int>)Export("nvmlSystemGetDriverVersion");
        _cudaDriverVersion = (delegate* unmanaged<int*, int>)OptionalExport("nvmlSystemGetCudaDriverVersion_v2", "nvmlSystemGetCudaDriverVersion");
        _deviceCount = (delegate* unmanaged<uint*, int>)Export("nvmlDeviceGetCount_v2");
        _handleByIndex = (delegate* unmanaged<uint, nint*, int>)Export("nvmlDeviceGetHandleByIndex_v2");
        _name = (delegate* unmanaged<nint, byte*, uint, int>)Export("nvmlDeviceGetName");
        _uuid = (delegate* unmanaged<nint, byte*, uint, int>)Export("nvmlDeviceGetUUID");
        _memoryInfo = (delegate* unmanaged<nint, NvmlMemory*, int>)Export("nvmlDeviceGetMemoryInfo");
        _utilization = (delegate* unmanaged<nint, NvmlUtilization*, int>)Export("nvmlDeviceGetUtilizationRates");
        _powerUsage = (delegate* unmanaged<nint, uint*, int>)Export("nvmlDeviceGetPowerUsage");
        _temperature = (delegate* unmanaged<nint, int, uint*, int>)Export("nvmlDeviceGetTemperature");
        _clockInfo = (delegate* unmanaged<nint, int, uint*, int>)Export("nvmlDeviceGetClockInfo");
        _totalEnergy = (delegate* unmanaged<nint, ulong*, int>)OptionalExport("nvmlDeviceGetTotalEnergyConsumption");
    }

    /// <summary>Loads NVML from <paramref name="libraryPath"/> (a file name searched the usual way, or a path) and initialises it.</summary>
    /// <exception cref="NvmlException">The library is missing, lacks an entry point, or nvmlInit fails.</exception>
    public static NvmlLibrary Open(string libraryPath = DefaultLibrary)
    {
        if (!NativeLibrary.TryLoad(libraryPath, out var handle))
        {
            throw new NvmlException(NvmlReturn.LibraryNotFound, "load", $"{libraryPath} could not be loaded (no NVIDIA driver on this machine?)");
        }
        NvmlLibrary library;
        try
        {
            library = new NvmlLibrary(handle);
        }
        catch
        {
            NativeLibrary.Free(handle);
            throw;
        }
        try
        {
            library.Check(library._init(), "nvmlInit_v2");
            library._initialized = true;
            return library;
        }
        catch
        {
            library.Dispose();
            throw;
        }
    }

    public string DriverVersion()
    {
        var buffer = stackalloc byte[VersionBufferSize];
        Check(_driverVersion(buffer, VersionBufferSize), "nvmlSystemGetDriverVersion");
        return ReadString(buffer, VersionBufferSize);
    }

    /// <summary>CUDA driver version as "major.minor" (e.g. 12.4), or null when this NVML lacks the call.</summary>
    public string? CudaDriverVersion()
    {
        if (_cudaDriverVersion == null) return null;
        int version;
        Check(_cudaDriverVersion(&version), "nvmlSystemGetCudaDriverVersion");
        return $"{version / 1000}.{version % 1000 / 10}";
    }

    public int DeviceCount()
    {
        uint count;
        Check(_deviceCount(&count), "nvmlDeviceGetCount_v2");
        return checked((int)count);
    }

    public nint DeviceByIndex(int index)
    {
        nint device;
        Check(_handleByIndex(checked((uint)index), &device), "nvmlDeviceGetHandleByIndex_v2");
        return device;
    }

    public string Name(nint device)
    {
        var buffer = stackalloc byte[NameBufferSize];
        Check(_name(device, buffer, NameBufferSize), "nvmlDeviceGetName");
        return ReadString(buffer, NameBufferSize);
    }

    public string Uuid(nint device)
    {
        var buffer = stackalloc byte[UuidBufferSize];
        Check(_uuid(device, buffer, UuidBufferSize), "nvmlDeviceGetUUID");
        return ReadString(buffer, UuidBufferSize);
    }

    public NvmlMemory Memory(nint device)
    {
        NvmlMemory memory;
        Check(_memoryInfo(device, &memory), "nvmlDeviceGetMemoryInfo");
        return memory;
    }

    public NvmlUtilization Utilization(nint device)
    {
        NvmlUtilization utilization;
        Check(_utilization(device, &utilization), "nvmlDeviceGetUtilizationRates");
        return utilization;
    }

    /// <summary>Board power draw in milliwatts; null when the device does not support it.</summary>
    public uint? PowerMilliwatts(nint device)
    {
        uint power;
        var code = (NvmlReturn)_powerUsage(device, &power);
        if (code == NvmlReturn.NotSupported) return null;
        Check((int)code, "nvmlDeviceGetPowerUsage");
        return power;
    }

    /// <summary>GPU core temperature in degrees Celsius.</summary>
    public uint TemperatureCelsius(nint device)
    {
        uint temperature;
        Check(_temperature(device, 0, &temperature), "nvmlDeviceGetTemperature");
        return temperature;
    }

    public uint ClockMegahertz(nint device, NvmlClockType type)
    {
        uint clock;
        Check(_clockInfo(device, (int)type, &clock), "nvmlDeviceGetClockInfo");
        return clock;
    }

    /// <summary>Energy since the driver loaded, in millijoules; null when unsupported (pre-Volta) or absent.</summary>
    public ulong? TotalEnergyMillijoules(nint device)
    {
        if (_totalEnergy == null) return null;
        ulong energy;
        var code = (NvmlReturn)_totalEnergy(device, &energy);
        if (code == NvmlReturn.NotSupported) return null;
        Check((int)code, "nvmlDeviceGetTotalEnergyConsumption");
        return energy;
    }

    /// <summary>NVML's own text for a return code.</summary>
    public string ErrorString(NvmlReturn code)
    {
        var text = _errorString((int)code);
        return text == null ? code.ToString() : Marshal.PtrToStringUTF8((nint)text) ?? code.ToString();
    }

    public void Dispose()
    {
        if (_initialized)
        {
            _initialized = false;
            _ = _shutdown();
        }
        NativeLibrary.Free(_handle);
    }

    private void Check(int code, string function)
    {
        if (code != 0) throw new NvmlException((NvmlReturn)code, function, ErrorString((NvmlReturn)code));
    }

    private nint Export(string name) =>
        NativeLibrary.TryGetExport(_handle, name, out var address)
            ? address
            : throw new NvmlException(NvmlReturn.FunctionNotFound, name, $"the NVML library has no {name} (driver too old?)");

    private nint OptionalExport(params string[] names)
    {
        foreach (var name in names)
        {
            if (NativeLibrary.TryGetExport(_handle, name, out var address)) return address;
        }
        return 0;
    }

    private static string ReadString(byte* buffer, int size)
    {
        var length = 0;
        while (length < size && buffer[length] != 0) length++;
        return Encoding.UTF8.GetString(buffer, length);
    }
}
