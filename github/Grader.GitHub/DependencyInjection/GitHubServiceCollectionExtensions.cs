using Grader.GitHub;
using Grader.GitHub.Auth;
using Grader.GitHub.Clients;
using Grader.GitHub.Http;
using Grader.GitHub.Outbox;
using Grader.GitHub.Publishing;
using Grader.GitHub.Repositories;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

public static class GitHubServiceCollectionExtensions
{
    /// <summary>
    /// Registers App authentication, the client factory and publishing. Options bind from the <c>Grader:GitHub</c> sections of
    /// <paramref name="configuration"/> when given, then <paramref name="configure"/> applies. No outbox: a host that
    /// keeps one adds <see cref="AddPublishOutboxRelay"/>.
    /// </summary>
    public static IServiceCollection AddGraderGitHub(this IServiceCollection services, IConfiguration? configuration = null, Action<GitHubAppOptions>? configure = null)
    {
        var app = services.AddOptions<GitHubAppOptions>();
        var resilience = services.AddOptions<GitHubResilienceOptions>();
        var publishing = services.AddOptions<PublishingOptions>();
        if (configuration is not null)
        {
            app.Bind(configuration.GetSection(GitHubAppOptions.SectionName)).ValidateOnStart();
            resilience.Bind(configuration.GetSection(GitHubResilienceOptions.SectionName)).ValidateOnStart();
            publishing.Bind(configuration.GetSection(PublishingOptions.SectionName)).ValidateOnStart();
        }

        if (configure is not null)
        {
            app.Configure(configure);
        }

        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<PublishingOptions>, PublishingOptionsValidation>());
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<AppJwtFactory>();
        services.TryAddSingleton<GitHubConnectionBuilder>();
        services.TryAddSingleton<IInstallationTokenProvider, InstallationTokenProvider>();
        services.TryAddSingleton<IGitHubClientFactory, GitHubClientFactory>();
        services.TryAddSingleton<GitHubAppIdentity>();
        services.TryAddSingleton<LookBeforeWriteRetry>();
        services.TryAddSingleton<CheckRunPublisher>();
        services.TryAddSingleton<ReviewPublisher>();
        services.TryAddSingleton<PullRequestSummaryPublisher>();
        services.TryAddSingleton<GradingPublisher>();
        services.TryAddSingleton<GitHubRepositoryService>();
        return services;
    }

    /// <summary>
    /// The outbox relay over <paramref name="outbox"/> (the host's durable storage), its retry policy and the signal that
    /// wakes it. Hosting it is the caller's choice: <c>AddHostedService&lt;OutboxRelayService&gt;()</c> where this process publishes.
    /// </summary>
    public static IServiceCollection AddPublishOutboxRelay(this IServiceCollection services, Func<IServiceProvider, IPublishOutbox> outbox)
    {
        ArgumentNullException.ThrowIfNull(outbox);
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(outbox);
        services.TryAddSingleton<OutboxSignal>();
        services.TryAddSingleton<PublishRetryPolicy>();
        services.TryAddSingleton<IRelayLease, SoleRelay>();
        services.TryAddSingleton<OutboxRelay>();
        return services;
    }
}
