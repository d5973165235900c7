using Grader.GitHub.Auth;
using Grader.GitHub.Http;
using Grader.GitHub.Outbox;
using Grader.GitHub.Publishing;
using Grader.GitHub.Repositories;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Grader.GitHub;

public static class GitHubServiceCollectionExtensions
{
    /// <summary>
    /// Registers App authentication, the client factory, publishing and the outbox (a file outbox unless an
    /// <see cref="IPublishOutbox"/> is registered already). Options bind from the "GitHub" configuration section.
    /// </summary>
    public static IServiceCollection AddGraderGitHub(this IServiceCollection services, Action<GitHubAppOptions>? configure = null)
    {
        var app = services.AddOptions<GitHubAppOptions>().BindConfiguration(GitHubAppOptions.SectionName);
        if (configure is not null)
        {
            app.Configure(configure);
        }

        services.AddOptions<GitHubResilienceOptions>().BindConfiguration(GitHubResilienceOptions.SectionName);
        services.AddOptions<GradingPublisherOptions>().BindConfiguration(GradingPublisherOptions.SectionName);
        services.AddOptions<FilePublishOutboxOptions>().BindConfiguration("GitHub:Outbox");

        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<AppJwtFactory>();
        services.TryAddSingleton<GitHubConnectionBuilder>();
        services.TryAddSingleton<IInstallationTokenProvider, InstallationTokenProvider>();
        services.TryAddSingleton<IGitHubClientFactory, GitHubClientFactory>();
        services.TryAddSingleton<IPublishOutbox, FilePublishOutbox>();
        services.TryAddSingleton<CheckRunPublisher>();
        services.TryAddSingleton<ReviewPublisher>();
        services.TryAddSingleton<GradingPublisher>();
        services.TryAddSingleton<OutboxRelay>();
        services.TryAddSingleton<GitHubRepositoryService>();
        return services;
    }
}
