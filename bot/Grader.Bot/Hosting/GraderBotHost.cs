using System.Globalization;
using Grader.Bot.Configuration;
using Grader.Configuration;

namespace Grader.Bot.Hosting;

/// <summary>
/// Composes a bot process without choosing its host: the configuration sources (the config file (YAML), then
/// environment variables such as <c>Grader__Bot__WebhookSecret</c> so secrets stay out of the file, then the command
/// line's flags) and the services. The ASP.NET Core host that serves webhooks is bot/Grader.Bot.AspNetCore.
/// </summary>
public static class GraderBotHost
{
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
