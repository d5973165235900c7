using System.Reflection;
using Docker.DotNet;
using Grader.Runner.Checkout;
using Grader.Runner.Checks;
using Grader.Runner.Docker;
using Grader.Runner.Pipeline;
using Grader.Runner.Reports;
using Grader.Runner.Service;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the runner: options, the Docker client and its services, every check executor and the pipeline.</summary>
public static class RunnerServiceCollectionExtensions
{
    public static IServiceCollection AddGraderRunner(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions();
        services.AddLogging();
        services.AddOptions<RunnerOptions>().Bind(configuration.GetSection(RunnerOptions.SectionName)).ValidateOnStart();
        services.AddOptions<DockerEngineOptions>().Bind(configuration.GetSection(DockerEngineOptions.SectionName)).ValidateOnStart();
        services.AddOptions<SandboxOptions>().Bind(configuration.GetSection(SandboxOptions.SectionName)).ValidateOnStart();
        services.AddOptions<JUnitParserOptions>().Bind(configuration.GetSection(JUnitParserOptions.SectionName)).ValidateOnStart();

        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<IDockerClient>(sp => DockerClientFactory.Create(sp.GetRequiredService<IOptions<DockerEngineOptions>>().Value));
        services.TryAddSingleton<BuildIsolation>();
        services.TryAddSingleton<IImageBuilder, DockerImageBuilder>();
        services.TryAddSingleton<IImageInspector, DockerImageInspector>();
        services.TryAddSingleton<IContainerSandbox, DockerContainerSandbox>();
        services.TryAddSingleton<IServiceLauncher, DockerServiceLauncher>();
        services.TryAddSingleton<ServiceHttpClient>();
        services.TryAddSingleton<IDockerJanitor, JobJanitor>();
        services.TryAddSingleton<ImageReuse>();
        services.TryAddSingleton(provider =>
        {
            var runner = provider.GetRequiredService<IOptions<RunnerOptions>>().Value;
            return new CheckoutSettings(runner.MirrorCache, runner.Checkout);
        });
        services.TryAddSingleton<ISubmissionCheckout, GitSubmissionCheckout>();
        // Each area registers its own executors and their dependencies; the scan then adds any executor not yet registered.
        services.AddServiceChecks(configuration);
        services.AddPerformanceChecks(configuration);
        services.AddGraderGpu(configuration);
        AddCheckExecutors(services, typeof(GradingPipeline).Assembly);
        services.TryAddSingleton<CheckoutStep>();
        services.TryAddSingleton<ImageStep>();
        services.TryAddSingleton<ReferenceStep>();
        services.TryAddSingleton<GpuStep>();
        services.TryAddSingleton<ServiceStep>();
        services.TryAddSingleton<CheckStep>();
        // The steps are the pipeline's own (internal) parts: it is built here rather than by constructor discovery.
        services.TryAddSingleton(provider => new GradingPipeline(
            provider.GetRequiredService<CheckoutStep>(),
            provider.GetRequiredService<ImageStep>(),
            provider.GetRequiredService<ReferenceStep>(),
            provider.GetRequiredService<GpuStep>(),
            provider.GetRequiredService<ServiceStep>(),
            provider.GetRequiredService<CheckStep>(),
            provider.GetRequiredService<IDockerJanitor>(),
            provider.GetRequiredService<IOptions<RunnerOptions>>(),
            provider.GetRequiredService<TimeProvider>(),
            provider.GetRequiredService<ILogger<GradingPipeline>>()));
        return services;
    }

    /// <summary>Every concrete <see cref="ICheckExecutor"/> in <paramref name="assembly"/>, once each.</summary>
    public static IServiceCollection AddCheckExecutors(this IServiceCollection services, Assembly assembly)
    {
        ArgumentNullException.ThrowIfNull(assembly);
        var executors = assembly.GetTypes()
            .Where(t => t is { IsClass: true, IsAbstract: false, IsGenericTypeDefinition: false } && typeof(ICheckExecutor).IsAssignableFrom(t))
            .OrderBy(t => t.FullName, StringComparer.Ordinal);
        foreach (var type in executors)
        {
            services.TryAddEnumerable(ServiceDescriptor.Singleton(typeof(ICheckExecutor), type));
        }
        return services;
    }
}
