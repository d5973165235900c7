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
        services.Configure<ServiceLauncherOptions>(configuration.GetSection(ServiceLauncherOptions.SectionName));
        services.Configure<HttpProbeOptions>(configuration.GetSection(HttpProbeOptions.SectionName));
        services.Configure<MetricsCheckOptions>(configuration.GetSection(MetricsCheckOptions.SectionName));
        services.Configure<RecoveryOptions>(configuration.GetSection(RecoveryOptions.SectionName));
        services.TryAddSingleton<IDockerClient>(sp => DockerClientFactory.Create(sp.GetService<IOptions<DockerEngineOptions>>()?.Value));
        services.TryAddSingleton<ServiceHttpClient>();
        services.TryAddSingleton<IServiceLauncher, DockerServiceLauncher>();
        services.AddSingleton<ICheckExecutor, HttpProbeExecutor>();
        services.AddSingleton<ICheckExecutor, MetricsCheckExecutor>();
        services.AddSingleton<ICheckExecutor, RecoveryCheckExecutor>();
        return services;
    }
}
