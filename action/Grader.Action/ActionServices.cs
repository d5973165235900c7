using Grader.GitHub;
using Grader.GitHub.Actions;
using Grader.GitHub.Http;
using Grader.GitHub.Publishing;
using Grader.Runner;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Grader.GitHub.Auth;
using Microsoft.Extensions.Options;

namespace Grader.Action;

public static class ActionServiceCollectionExtensions
{
    /// <summary>
    /// The runner plus GitHub publishing authenticated with the workflow's token (not App credentials) against
    /// <paramref name="apiUrl"/> (GITHUB_API_URL: github.com or an Enterprise Server). Everything the action and
    /// its logging print goes to <paramref name="log"/>.
    /// </summary>
    public static IServiceCollection AddGraderAction(this IServiceCollection services, IConfiguration configuration, Uri apiUrl, WorkflowLog log)
    {
        services.AddSingleton(log);
        services.AddLogging(builder => builder.AddProvider(new WorkflowLogLoggerProvider(log)).SetMinimumLevel(LogLevel.Warning));
        services.AddGraderRunner(configuration);
        services.AddGraderGitHub(configuration, app => app.ApiBaseUrl = apiUrl);
        services.AddSingleton<Func<string, GradingPublisher>>(sp => token =>
        {
            var clients = new TokenClientFactory(sp.GetRequiredService<GitHubConnectionBuilder>(), token);
            var time = sp.GetRequiredService<TimeProvider>();
            var options = sp.GetRequiredService<IOptions<GitHubAppOptions>>();
            var logs = sp.GetRequiredService<ILoggerFactory>();
            return new GradingPublisher(
                new CheckRunPublisher(clients, options, time, logs.CreateLogger<CheckRunPublisher>()),
                new ReviewPublisher(clients, logs.CreateLogger<ReviewPublisher>()),
                sp.GetRequiredService<Grader.GitHub.Outbox.IPublishOutbox>(),
                sp.GetRequiredService<IOptions<GradingPublisherOptions>>(),
                time,
                logs.CreateLogger<GradingPublisher>());
        });
        services.AddSingleton<GradingAction>();
        return services;
    }
}
