using System.Text;
using Docker.DotNet;
using Grader.Bot.Configuration;
using Grader.Bot.Monitoring;
using Grader.Bot.Storage;
using Hangfire;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using Prometheus;

namespace Grader.Bot.AspNetCore;

/// <summary>
/// What operators and Prometheus read from every bot and runner process: <c>/metrics</c> (<see cref="GraderMetrics"/>)
/// and <c>/readyz</c>, ready when the bot's store and Hangfire's storage answer and, on a process that runs jobs, the
/// Docker engine too. <c>/healthz</c> stays liveness only (the process serves HTTP): a runner whose database is away
/// is not ready but needs no restart.
/// </summary>
public static class MonitoringEndpoints
{
    public const string MetricsPath = "/metrics";
    public const string ReadinessPath = "/readyz";

    /// <summary>The tag of the checks <c>/readyz</c> runs.</summary>
    public const string ReadyTag = "ready";

    private static readonly TimeSpan CheckTimeout = TimeSpan.FromSeconds(5);

    public static IServiceCollection AddGraderReadiness(this IServiceCollection services)
    {
        services.AddHealthChecks()
            .AddCheck<StoreReadiness>("store", tags: [ReadyTag], timeout: CheckTimeout)
            .AddCheck<HangfireReadiness>("hangfire", tags: [ReadyTag], timeout: CheckTimeout)
            .AddCheck<DockerReadiness>("docker", tags: [ReadyTag], timeout: CheckTimeout);
        return services;
    }

    public static WebApplication MapGraderMonitoring(this WebApplication app)
    {
        app.Services.GetRequiredService<GraderMetricsCollector>().Attach();
        app.MapMetrics(MetricsPath, app.Services.GetRequiredService<GraderMetrics>().Registry);
        app.MapHealthChecks(ReadinessPath, new HealthCheckOptions
        {
            Predicate = check => check.Tags.Contains(ReadyTag),
            ResponseWriter = WriteReportAsync,
        });
        return app;
    }

    /// <summary>One line per check (status and why), so an operator sees which dependency is missing.</summary>
    private static Task WriteReportAsync(HttpContext context, HealthReport report)
    {
        var text = new StringBuilder().Append(report.Status).Append('\n');
        foreach (var (name, entry) in report.Entries.OrderBy(e => e.Key, StringComparer.Ordinal))
        {
            text.Append(name).Append(": ").Append(entry.Status);
            if (entry.Description is { Length: > 0 } description) text.Append(" (").Append(description).Append(')');
            text.Append('\n');
        }

        context.Response.ContentType = "text/plain; charset=utf-8";
        return context.Response.WriteAsync(text.ToString(), context.RequestAborted);
    }

    /// <summary>The bot's store answers a read.</summary>
    private sealed class StoreReadiness(GraderStore store) : IHealthCheck
    {
        public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken)
        {
            try
            {
                await store.GetJobAsync("readiness-probe", cancellationToken).ConfigureAwait(false);
                return HealthCheckResult.Healthy();
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                return HealthCheckResult.Unhealthy("the bot's store does not answer: " + ex.Message);
            }
        }
    }

    /// <summary>Hangfire's storage (in memory, or PostgreSQL for a fleet) answers a query.</summary>
    private sealed class HangfireReadiness(JobStorage storage) : IHealthCheck
    {
        public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken)
        {
            try
            {
                // Hangfire's storage API is synchronous: off the request thread, bounded by the check's timeout.
                await Task.Run(() => storage.GetMonitoringApi().Servers(), cancellationToken).ConfigureAwait(false);
                return HealthCheckResult.Healthy();
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                return HealthCheckResult.Unhealthy("Hangfire's storage does not answer: " + ex.Message);
            }
        }
    }

    /// <summary>On a process that runs jobs, the Docker engine answers a ping; a webhook front needs none.</summary>
    private sealed class DockerReadiness(IOptions<BotOptions> options, IServiceProvider services) : IHealthCheck
    {
        public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken)
        {
            if (!options.Value.RunJobs || services.GetService<IDockerClient>() is not { } docker)
            {
                return HealthCheckResult.Healthy("not a runner");
            }

            try
            {
                await docker.System.PingAsync(cancellationToken).ConfigureAwait(false);
                return HealthCheckResult.Healthy();
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                return HealthCheckResult.Unhealthy("the Docker engine does not answer: " + ex.Message);
            }
        }
    }
}
