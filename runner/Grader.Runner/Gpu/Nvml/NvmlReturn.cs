namespace Grader.Runner.Gpu.Nvml;

/// <summary>nvmlReturn_t codes (nvml.h).</summary>
public enum NvmlReturn
{
    Success = 0,
    Uninitialized = 1,
    InvalidArgument = 2,
    NotSupported = 3,
    NoPermission = 4,
    AlreadyInitialized = 5,
    NotFound = 6,
    InsufficientSize = 7,
    InsufficientPower = 8,
    DriverNotLoaded = 9,
    Timeout = 10,
    IrqIssue = 11,
    LibraryNotFound = 12,
    FunctionNotFound = 13,
    CorruptedInforom = 14,
    GpuIsLost = 15,
    ResetRequired = 16,
    OperatingSystem = 17,
    LibRmVersionMismatch = 18,
    InUse = 19,
    Memory = 20,
    NoData = 21,
    Unknown = 999,
}

/// <summary>An NVML call failed; the message carries NVML's own error string and the function called.</summary>
public sealed class NvmlException : Exception
{
    public NvmlException(NvmlReturn code, string function, string nvmlMessage)
        : base($"NVML {function} failed: {nvmlMessage} ({code}, code {(int)code})")
    {
        Code = code;
        Function = function;
    }

    public NvmlException() { }
    public NvmlException(string message) : base(message) { }
    public NvmlException(string message, Exception innerException) : base(message, innerException) { }

    public NvmlReturn Code { get; }
    public string Function { get; } = "";
}
