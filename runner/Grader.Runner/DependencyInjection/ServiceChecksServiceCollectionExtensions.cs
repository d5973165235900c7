using Docker.DotNet;
using Grader.Runner.Checks;
using Grader.Runner.Docker;
using Grader.Runner.Metrics;
using Grader.Runner.Probes;
using Grader.Runner.Recovery;
using Grader.Runner.Service;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

public static class ServiceChecksServiceCollectionExtensions
{
    /// <summary>The service launcher and the http_probe, metrics and recovery executors, with their options bound from configuration.</summary>
    public static IServiceCollection AddServiceChecks(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<ServiceLauncherOptions>().Bind(configuration.GetSection(ServiceLauncherOptions.SectionName)).ValidateOnStart();
        services.AddOptions<HttpProbeOptions>().Bind(configuration.GetSection(HttpProbeOptions.SectionName)).ValidateOnStart();
        services.AddOptions<MetricsCheckOptions>().Bind(configuration.GetSection(MetricsCheckOptions.SectionName)).ValidateOnStart();
        services.AddOptions<RecoveryOptions>().Bind(configuration.GetSection(RecoveryOptions.SectionName)).ValidateOnStart();
        services.TryAddSingleton<IDockerClient>(sp => DockerClientFactory.Create(sp.GetService<IOptions<DockerEngineOptions>>()?.Value));
        services.TryAddSingleton<ServiceHttpClient>();
        services.TryAddSingleton<IServiceLauncher, DockerServiceLauncher>();
        services.AddSingleton<ICheckExecutor, HttpProbeExecutor>();
        services.AddSingleton<ICheckExecutor, MetricsCheckExecutor>();
        services.AddSingleton<ICheckExecutor, RecoveryCheckExecutor>();
        return services;
    }
}
