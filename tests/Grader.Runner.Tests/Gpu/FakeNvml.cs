using System.Diagnostics;
using System.Runtime.InteropServices;

namespace Grader.Runner.Tests.Gpu;

/// <summary>
/// Builds the NVML stand-in (fake_nvml.c) with gcc once per test run and hands each test its own copy:
/// a fresh file is a fresh dlopen, so counters and injected errors do not leak between tests.
/// </summary>
internal static class FakeNvml
{
    private static readonly Lazy<string> Built = new(Build);

    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    private delegate void Configure(int initError, int devices, int sampleError, int energySupported);

    /// <summary>A private copy of the stand-in library, configured as asked, already loaded in this process.</summary>
    public static string NewLibrary(int initError = 0, int devices = 2, int sampleError = 0, bool energySupported = true)
    {
        var copy = Path.Combine(Path.GetDirectoryName(Built.Value)!, $"libnvidia-ml-{Guid.NewGuid():N}.so.1");
        File.Copy(Built.Value, copy);
        var handle = NativeLibrary.Load(copy);
        var configure = Marshal.GetDelegateForFunctionPointer<Configure>(NativeLibrary.GetExport(handle, "fake_nvml_configure"));
        configure(initError, devices, sampleError, energySupported ? 1 : 0);
        return copy;
    }

    private static string Build()
    {
        var source = Path.Combine(TestContext.CurrentContext.TestDirectory, "Gpu", "fake_nvml.c");
        var folder = Directory.CreateTempSubdirectory("grader-fake-nvml-").FullName;
        // Removed when the test process ends (every assembly that uses the stand-in, whatever order its tests run in);
        // Linux keeps a loaded library mapped after its file is gone.
        AppDomain.CurrentDomain.ProcessExit += (_, _) => Directory.Delete(folder, recursive: true);
        var output = Path.Combine(folder, "libnvidia-ml.so.1");
        var gcc = Process.Start(new ProcessStartInfo("gcc", ["-shared", "-fPIC", "-O1", "-Wall", "-Werror", "-o", output, source])
        {
            RedirectStandardError = true,
        })!;
        var errors = gcc.StandardError.ReadToEnd();
        gcc.WaitForExit();
        if (gcc.ExitCode != 0) throw new InvalidOperationException($"gcc failed to build the NVML stand-in: {errors}");
        return output;
    }
}
