using Grader.GitHub.Http;
using Grader.Runner.Pipeline;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Grader.Bot.Monitoring;

public static class MonitoringServiceCollectionExtensions
{
    /// <summary>The bot's metrics (one registry per host), their scrape-time readings and the GitHub call counter.</summary>
    public static IServiceCollection AddGraderMonitoring(this IServiceCollection services)
    {
        services.TryAddSingleton(sp => new GraderMetrics(sp.GetRequiredService<IOptions<RunnerOptions>>().Value.RunnerId));
        services.TryAddSingleton<GraderMetricsCollector>();
        services.AddOptions<GitHubHttpHandlers>()
            .Configure<GraderMetrics>((handlers, metrics) => handlers.Handlers.Add(() => new GitHubCallMetricsHandler(metrics)));
        return services;
    }
}
