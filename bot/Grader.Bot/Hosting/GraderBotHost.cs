using System.Globalization;
using Grader.Bot.Configuration;
using Grader.Configuration;

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

    /// <summary>Settings given with <c>--set</c>, as configuration keys; the flags above win over them.</summary>
    public IReadOnlyDictionary<string, string?> Settings { get; init; } = new Dictionary<string, string?>();
}

/// <summary>
/// Builds the production host: the config file (YAML), then environment variables (e.g. <c>Grader__Bot__WebhookSecret</c>,
/// <c>Grader__GitHub__PrivateKeyPath</c>) so secrets stay out of the file, then the command line's flags.
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
    /// The configuration of <c>grader serve</c>/<c>grader work</c> (<see cref="GraderConfiguration"/>), lowest precedence
    /// first: the config file, then environment variables (<c>Grader__Bot__WebhookSecret</c>: secrets stay out of the
    /// file), then the command line's flags (<c>--set</c>, then <c>--queues</c>, <c>--no-runner</c>), which win.
    /// <c>grader config check</c> reads the same sources.
    /// </summary>
    public static IConfigurationBuilder AddConfigurationSources(IConfigurationBuilder builder, BotHostSettings settings)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(settings);
        var flags = new Dictionary<string, string?>(settings.Settings, StringComparer.OrdinalIgnoreCase);
        const string queuesKey = BotOptions.SectionName + ":" + nameof(BotOptions.Queues);
        if (settings.Queues is { Count: > 0 } queues)
        {
            foreach (var key in flags.Keys.Where(k => k.StartsWith(queuesKey + ":", StringComparison.OrdinalIgnoreCase)).ToList()) flags.Remove(key);
            for (var i = 0; i < queues.Count; i++) flags[string.Create(CultureInfo.InvariantCulture, $"{queuesKey}:{i}")] = queues[i];
        }
        if (!settings.ServeWebhooks) flags[BotOptions.SectionName + ":" + nameof(BotOptions.RunIntake)] = "false";
        if (settings.RunJobs is bool runJobs) flags[BotOptions.SectionName + ":" + nameof(BotOptions.RunJobs)] = runJobs ? "true" : "false";
        return builder.AddGraderSources(settings.ConfigPath, defaults: null, flags);
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
