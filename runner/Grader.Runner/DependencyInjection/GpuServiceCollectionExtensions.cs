using Grader.Runner.Gpu;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Microsoft.Extensions.DependencyInjection;

public static class GpuServiceCollectionExtensions
{
    /// <summary>Registers NVML-based GPU discovery, allocation, sampling and readings for monitoring (configuration section <see cref="GpuOptions.SectionName"/>).</summary>
    public static IServiceCollection AddGraderGpu(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<GpuOptions>().Bind(configuration.GetSection(GpuOptions.SectionName)).ValidateOnStart();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<NvmlGpuInventory>();
        services.TryAddSingleton<IGpuInventory>(sp => sp.GetRequiredService<NvmlGpuInventory>());
        services.TryAddSingleton<IGpuAllocator, GpuAllocator>();
        services.TryAddSingleton<IGpuSampler, NvmlGpuSampler>();
        services.TryAddSingleton<IGpuReadings, NvmlGpuReadings>();
        return services;
    }
}
