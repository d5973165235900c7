using Grader.Bot.Configuration;
using Grader.Bot.Fleet;
using Grader.Bot.Intake;
using Grader.Bot.Jobs;
using Grader.Bot.Publishing;
using Grader.Bot.Storage;
using Grader.Bot.Visibility;
using Grader.Bot.Webhooks;
using Grader.GitHub;
using Grader.GitHub.Outbox;
using Grader.GitHub.Publishing;
using Hangfire;
using Hangfire.PostgreSql;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Octokit.Webhooks;

namespace Grader.Bot.Hosting;

/// <summary>
/// Wires the bot: durable intake (SQLite), dispatcher, Hangfire (in-memory storage by default, PostgreSQL
/// when configured), the job reconciler and Grader.GitHub's outbox relay over the bot's store. The seams
/// <see cref="ISubmissionGrader"/> and <see cref="IRepositoryGateway"/>, and GitHub publishing, are registered by the host.
/// </summary>
public static class GraderBotServiceCollectionExtensions
{
    public static IServiceCollection AddGraderBot(this IServiceCollection services, IConfiguration configuration, CourseConfiguration courses)
    {
        var section = configuration.GetSection(BotOptions.SectionName);
        var settings = section.Get<BotOptions>() ?? new BotOptions();
        services.AddOptions<BotOptions>().Bind(section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<IValidateOptions<BotOptions>, WebhookIntakeValidation>();
        services.AddSingleton<IValidateOptions<BotOptions>>(new BotStorageSettings(configuration));
        services.AddSingleton<UnauthenticatedBodyBudget>();
        // The App's slug is configured once (bot.app_slug): it names the App's own events and the author of its reviews.
        services.AddOptions<GitHubAppOptions>()
            .PostConfigure<IOptions<BotOptions>>((github, bot) => github.AppSlug = string.IsNullOrEmpty(github.AppSlug) ? bot.Value.AppSlug : github.AppSlug)
            .Validate<IOptions<BotOptions>>(
                (github, bot) => string.Equals(github.AppSlug, bot.Value.AppSlug, StringComparison.OrdinalIgnoreCase),
                "github.app_slug differs from bot.app_slug; set the App's slug once, as bot.app_slug.")
            .ValidateOnStart();
        services.AddOptions<GradingWorkerOptions>().Bind(configuration.GetSection(GradingWorkerOptions.SectionName)).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<AttemptBudget>();
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton(courses);
        services.AddSingleton<GraderStore>();
        services.AddSingleton<DeliverySignal>();
        // One outbox: the store's table, drained by Grader.GitHub's relay on the active front; evidence is stored once its
        // URLs are known.
        services.AddSingleton<FrontLease>();
        services.AddSingleton<IRelayLease>(provider => provider.GetRequiredService<FrontLease>());
        services.AddPublishOutboxRelay(provider => provider.GetRequiredService<GraderStore>());
        services.AddSingleton<IPublicationFollowUp, PublishedEvidence>();
        services.AddOptions<PublishingOptions>().ValidateOnStart();
        services.AddSingleton<IValidateOptions<PublishingOptions>>(new MovedOutboxSettings(configuration));
        services.AddSingleton<JobCancellationRegistry>();
        services.AddSingleton<WebhookEventProcessor, GraderWebhookProcessor>();
        services.AddSingleton<RubricCatalog>();
        services.AddSingleton<CourseResolver>();
        services.AddSingleton<DeliveryInterpreter>();
        services.AddSingleton<JobScheduler>();
        services.AddSingleton<RunnerIdentity>();
        services.AddTransient<GradingJob>();
        services.AddTransient<SubmissionLimitRelease>();

        services.AddHangfire((provider, config) =>
        {
            config.SetDataCompatibilityLevel(CompatibilityLevel.Version_180)
                .UseSimpleAssemblyNameTypeSerializer()
                .UseRecommendedSerializerSettings();
            if (settings.UsesPostgres)
            {
                // The store's database holds Hangfire's schema too: one setting, one database for the whole fleet.
                var connectionString = settings.StoreLocation().PostgresConnectionString!;
                config.UsePostgreSqlStorage(o => o.UseNpgsqlConnection(connectionString), FleetQueueOptions.For(settings));
            }
            else
            {
                config.UseInMemoryStorage();
            }

            RetryPolicy.Install(provider.GetRequiredService<IOptions<BotOptions>>().Value.Retry);
        });

        // Order matters: reconcile SQLite into Hangfire before the server starts taking jobs.
        if (settings.RunIntake)
        {
            services.AddHostedService<JobReconciler>();
        }
        if (settings.RunJobs)
        {
            // Before the Hangfire server: hosted services stop in reverse order, so the registry says "draining" while
            // the server drains and "stopped" once it has.
            services.AddHostedService<RunnerRegistry>();
            services.AddHangfireServer((provider, o) =>
            {
                var runner = provider.GetRequiredService<RunnerIdentity>().RunnerId;
                o.Queues = [.. settings.EffectiveQueues];
                o.WorkerCount = settings.WorkerCount;
                o.SchedulePollingInterval = settings.SchedulePollingInterval;
                o.ServerName = $"{runner}-{Environment.ProcessId}";
                // SIGTERM drains: no new job is taken at once; running ones get DrainTimeout before they are cancelled
                // (and handed back to the queue by GradingJob); the host waits a little longer than that.
                o.StopTimeout = settings.DrainTimeout;
                o.ShutdownTimeout = settings.DrainTimeout + TimeSpan.FromSeconds(30);
            });
            services.Configure<HostOptions>(o => o.ShutdownTimeout = settings.DrainTimeout + TimeSpan.FromMinutes(1));
        }

        services.AddSingleton<DeliveryDispatcher>();
        services.AddSingleton<VisibilityRefresher>();
        if (settings.RunIntake)
        {
            // Before the loops it gates: its first try is done when they start, and it is released after they stopped.
            services.AddHostedService(provider => provider.GetRequiredService<FrontLease>());
            services.AddHostedService(provider => provider.GetRequiredService<DeliveryDispatcher>());
            services.AddHostedService<OutboxRelayService>();
            services.AddHostedService<VisibilitySweep>();
        }
        return services;
    }
}
