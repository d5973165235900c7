using Grader.Runner.Baselines;
using Grader.Runner.Benchmarks;
using Grader.Runner.Statistics;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers what the load and benchmark executors need besides the sandbox: the baseline store, provider and regression detector.</summary>
public static class PerformanceChecksServiceCollectionExtensions
{
    /// <summary>Options from <see cref="BaselineStoreOptions.SectionName"/> <see cref="RegressionDetectorOptions.SectionName"/> and <see cref="BenchmarkOptions.SectionName"/>.</summary>
    public static IServiceCollection AddPerformanceChecks(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<BaselineStoreOptions>().Bind(configuration.GetSection(BaselineStoreOptions.SectionName)).ValidateOnStart();
        services.AddOptions<RegressionDetectorOptions>().Bind(configuration.GetSection(RegressionDetectorOptions.SectionName)).ValidateOnStart();
        services.AddOptions<BenchmarkOptions>().Bind(configuration.GetSection(BenchmarkOptions.SectionName))
            .Validate(o => o.HasValidCpuset(), "Grader:Benchmark:CpusetCpus must be a cpuset list such as 2-3 or 2,3")
            .ValidateOnStart();
        services.TryAddSingleton<IBaselineStore, FileBaselineStore>();
        services.TryAddSingleton<BaselineProvider>();
        services.TryAddSingleton<RegressionDetector>();
        return services;
    }
}
