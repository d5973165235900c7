using Grader.Runner.Baselines;
using Grader.Runner.Statistics;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers what the load and benchmark executors need besides the sandbox: the baseline store, provider and regression detector.</summary>
public static class PerformanceChecksServiceCollectionExtensions
{
    /// <summary>Options from "Grader:Baselines" (<see cref="BaselineStoreOptions"/>) and "Grader:Regression" (<see cref="RegressionDetectorOptions"/>).</summary>
    public static IServiceCollection AddPerformanceChecks(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.Configure<BaselineStoreOptions>(configuration.GetSection("Grader:Baselines"));
        services.Configure<RegressionDetectorOptions>(configuration.GetSection("Grader:Regression"));
        services.TryAddSingleton<IBaselineStore, FileBaselineStore>();
        services.TryAddSingleton<BaselineProvider>();
        services.TryAddSingleton<RegressionDetector>();
        return services;
    }
}
