using Grader.GitHub.Auth;
using Grader.GitHub.Http;
using Grader.GitHub.Outbox;
using Grader.GitHub.Publishing;
using Grader.GitHub.Repositories;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Grader.GitHub;

public static class GitHubServiceCollectionExtensions
{
    /// <summary>
    /// Registers App authentication, the client factory, publishing and the outbox (a file outbox unless an
    /// <see cref="IPublishOutbox"/> is registered already). Options bind from the <c>Grader:GitHub</c> sections of
    /// <paramref name="configuration"/> when given, then <paramref name="configure"/> applies.
    /// </summary>
    public static IServiceCollection AddGraderGitHub(this IServiceCollection services, IConfiguration? configuration = null, Action<GitHubAppOptions>? configure = null)
    {
        var app = services.AddOptions<GitHubAppOptions>();
        var resilience = services.AddOptions<GitHubResilienceOptions>();
        var publishing = services.AddOptions<GradingPublisherOptions>();
        var outbox = services.AddOptions<FilePublishOutboxOptions>();
        if (configuration is not null)
        {
            app.Bind(configuration.GetSection(GitHubAppOptions.SectionName)).ValidateOnStart();
            resilience.Bind(configuration.GetSection(GitHubResilienceOptions.SectionName)).ValidateOnStart();
            publishing.Bind(configuration.GetSection(GradingPublisherOptions.SectionName)).ValidateOnStart();
            outbox.Bind(configuration.GetSection(FilePublishOutboxOptions.SectionName)).ValidateOnStart();
        }

        if (configure is not null)
        {
            app.Configure(configure);
        }

        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<AppJwtFactory>();
        services.TryAddSingleton<GitHubConnectionBuilder>();
        services.TryAddSingleton<IInstallationTokenProvider, InstallationTokenProvider>();
        services.TryAddSingleton<IGitHubClientFactory, GitHubClientFactory>();
        services.TryAddSingleton<GitHubAppIdentity>();
        services.TryAddSingleton<LookBeforeWriteRetry>();
        services.TryAddSingleton<IPublishOutbox, FilePublishOutbox>();
        services.TryAddSingleton<CheckRunPublisher>();
        services.TryAddSingleton<ReviewPublisher>();
        services.TryAddSingleton<GradingPublisher>();
        services.TryAddSingleton<OutboxRelay>();
        services.TryAddSingleton<GitHubRepositoryService>();
        return services;
    }
}
