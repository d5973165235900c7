using Grader.Bot.Configuration;
using Grader.Bot.Integration;

namespace Grader.Bot.Hosting;

/// <summary>What <c>grader serve</c> and <c>grader work</c> ask for on top of the config file.</summary>
public sealed record BotHostSettings(string ConfigPath)
{
    public IReadOnlyList<string> Urls { get; init; } = ["http://0.0.0.0:3000"];

    /// <summary>Overrides <c>bot.queues</c>.</summary>
    public IReadOnlyList<string>? Queues { get; init; }

    /// <summary>False: webhook front only (jobs run in <c>grader work</c> processes).</summary>
    public bool? RunJobs { get; init; }

    /// <summary>False: runner only (no webhook endpoint): <c>grader work</c>.</summary>
    public bool ServeWebhooks { get; init; } = true;
}

/// <summary>
/// Builds the production host: the config file (YAML), then environment variables (e.g. <c>Bot__WebhookSecret</c>,
/// <c>GitHub__PrivateKeyPath</c>) so secrets stay out of the file, then the command line's flags.
/// </summary>
public static class GraderBotHost
{
    public static WebApplication Build(BotHostSettings settings)
    {
        var configPath = Path.GetFullPath(settings.ConfigPath);
        var courses = CourseConfigurationLoader.Load(configPath);
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { ContentRootPath = Path.GetDirectoryName(configPath) });
        builder.Configuration.Sources.Clear();
        AddConfigurationSources(builder.Configuration, settings);
        builder.WebHost.UseUrls([.. settings.Urls]);

        AddServices(builder.Services, builder.Configuration, courses);
        var app = builder.Build();
        if (settings.ServeWebhooks)
        {
            app.MapGraderBot();
        }
        else
        {
            app.MapGet("/healthz", () => Results.Text("ok"));
        }

        return app;
    }

    /// <summary>
    /// The configuration of <c>grader serve</c>/<c>grader work</c>, lowest precedence first: the config file, then
    /// environment variables (<c>Bot__WebhookSecret</c>: secrets stay out of the file), then the command line's flags,
    /// which win. <c>grader config check</c> reads the same sources.
    /// </summary>
    public static IConfigurationBuilder AddConfigurationSources(IConfigurationBuilder builder, BotHostSettings settings)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(settings);
        var values = YamlSettings.Flatten(File.ReadAllText(Path.GetFullPath(settings.ConfigPath)));
        var flags = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        if (settings.Queues is { Count: > 0 } queues)
        {
            // The flag replaces the file's list rather than merging with it.
            foreach (var key in values.Keys.Where(k => k.StartsWith("Bot:Queues:", StringComparison.OrdinalIgnoreCase)).ToList()) values.Remove(key);
            for (var i = 0; i < queues.Count; i++) flags[$"Bot:Queues:{i}"] = queues[i];
        }
        if (!settings.ServeWebhooks) flags["Bot:RunIntake"] = "false";
        if (settings.RunJobs is bool runJobs) flags["Bot:RunJobs"] = runJobs ? "true" : "false";

        builder.AddInMemoryCollection(values);
        builder.AddEnvironmentVariables();
        builder.AddInMemoryCollection(flags);
        return builder;
    }

    /// <summary>
    /// Everything a bot process runs: the start-up sweep (when it runs jobs), the bot, GitHub and, when it runs
    /// jobs, the runner pipeline. The tests compose their host with this too.
    /// </summary>
    public static IServiceCollection AddServices(IServiceCollection services, IConfiguration configuration, CourseConfiguration courses)
    {
        var botOptions = configuration.GetSection(BotOptions.SectionName).Get<BotOptions>() ?? new BotOptions();
        if (botOptions.RunJobs)
        {
            // Registered first: hosted services start in order, so the sweep ends before the Hangfire server takes a job.
            services.AddHostedService<RunnerStartupSweep>();
        }

        services.AddGraderBot(configuration, courses);
        services.AddBotEvidence();
        services.AddGraderBotIntegrations(configuration, botOptions.RunJobs);
        return services;
    }
}
