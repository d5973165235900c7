using Grader.Bot.Configuration;
using Grader.Bot.Hosting;
using Grader.Bot.Webhooks;
using Hangfire;
using Microsoft.Extensions.Options;
using Octokit.Webhooks.AspNetCore;

namespace Grader.Bot.AspNetCore;

/// <summary>
/// The bot on ASP.NET Core: the webhook endpoint behind its request guard, the health checks and metrics
/// (<see cref="MonitoringEndpoints"/>), the operators' dashboard and reports. Everything else (intake, jobs, store, outbox) is the host-free bot (bot/Grader.Bot).
/// </summary>
public static partial class GraderBotWebHost
{
    public static WebApplication Build(BotHostSettings settings)
    {
        var configPath = Path.GetFullPath(settings.ConfigPath);
        var courses = CourseConfigurationLoader.Load(configPath);
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { ContentRootPath = Path.GetDirectoryName(configPath) });
        builder.Configuration.Sources.Clear();
        GraderBotHost.AddConfigurationSources(builder.Configuration, settings);
        builder.WebHost.UseUrls([.. settings.Urls]);

        GraderBotHost.AddServices(builder.Services, builder.Configuration, courses);
        builder.Services.AddGraderBotWeb();
        var app = builder.Build();
        if (settings.ServeWebhooks)
        {
            app.MapGraderBot();
        }
        else
        {
            app.MapGet("/healthz", () => Results.Text("ok"));
            app.MapGraderMonitoring();
        }

        return app;
    }

    /// <summary>What the web host adds to the bot's services: a malformed delivery is answered 400 with the reason.</summary>
    public static IServiceCollection AddGraderBotWeb(this IServiceCollection services)
    {
        services.Configure<GitHubWebhookOptions>(o => o.ExceptionHandler = AnswerMalformedAsync);
        services.AddGraderReadiness();
        return services;
    }

    /// <summary>Maps the webhook endpoint (with its request guard), the health check and, when a token is configured, the dashboard.</summary>
    public static WebApplication MapGraderBot(this WebApplication app)
    {
        var options = app.Services.GetRequiredService<IOptions<BotOptions>>().Value;
        app.UseWhen(
            context => HttpMethods.IsPost(context.Request.Method) && context.Request.Path.Equals(options.WebhookPath, StringComparison.Ordinal),
            branch => branch.UseMiddleware<WebhookRequestGuard>());
        app.MapGitHubWebhooks(options.WebhookPath, options.WebhookSecret);
        app.MapGet("/healthz", () => Results.Text("ok"));
        app.MapGraderMonitoring();
        if (options.Dashboard.Token is { Length: > 0 } token)
        {
            app.UseHangfireDashboard(options.Dashboard.Path, new Hangfire.DashboardOptions
            {
                Authorization = [new TokenDashboardAuthorizationFilter(token)],
                IgnoreAntiforgeryToken = true,
            });
            app.MapEvidenceReports(token);
            app.MapRunners(token);
        }

        return app;
    }

    private static async ValueTask<bool> AnswerMalformedAsync(Exception exception, HttpContext context)
    {
        if (exception is not MalformedWebhookException malformed)
        {
            return false;
        }

        var logger = context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(GraderWebhookProcessor));
        LogMalformed(logger, context.Request.Headers["X-GitHub-Delivery"].ToString(), malformed.Message);
        context.Response.StatusCode = StatusCodes.Status400BadRequest;
        await context.Response.WriteAsync(malformed.Message, context.RequestAborted).ConfigureAwait(false);
        return true;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Webhook delivery '{DeliveryId}' is malformed, answered 400: {Reason}")]
    private static partial void LogMalformed(ILogger logger, string deliveryId, string reason);
}
