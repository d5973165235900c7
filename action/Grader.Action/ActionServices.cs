using Grader.Evidence.Recording;
using Grader.GitHub;
using Grader.GitHub.Actions;
using Grader.GitHub.Auth;
using Grader.GitHub.Clients;
using Grader.GitHub.Http;
using Grader.GitHub.Publishing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Grader.Action;

public static class ActionServiceCollectionExtensions
{
    /// <summary>
    /// The runner plus GitHub publishing authenticated with the workflow's token (not App credentials) against
    /// <paramref name="apiUrl"/> (GITHUB_API_URL: github.com or an Enterprise Server). Everything the action and
    /// its logging print goes to <paramref name="log"/>. No outbox: the job ends with the step, so what GitHub does
    /// not take is reported instead of kept (<see cref="GradingAction"/>).
    /// </summary>
    public static IServiceCollection AddGraderAction(this IServiceCollection services, IConfiguration configuration, Uri apiUrl, WorkflowLog log)
    {
        services.AddSingleton(log);
        services.AddLogging(builder => builder.AddProvider(new WorkflowLogLoggerProvider(log)).SetMinimumLevel(LogLevel.Warning));
        services.AddGraderRunner(configuration);
        services.AddGraderGitHub(configuration, app => app.ApiBaseUrl = apiUrl);
        services.AddEvidenceOptions(configuration);
        // A workflow's token acts as the GitHub Actions app: its check runs and reviews are the ones to find again.
        services.PostConfigure<GitHubAppOptions>(app =>
        {
            app.AppId = app.AppId > 0 ? app.AppId : GitHubActionsApp.Id;
            app.AppSlug = string.IsNullOrEmpty(app.AppSlug) ? GitHubActionsApp.Slug : app.AppSlug;
        });
        services.AddSingleton<Func<string, GradingPublisher>>(sp => token =>
        {
            var clients = new TokenClientFactory(sp.GetRequiredService<GitHubConnectionBuilder>(), token);
            var time = sp.GetRequiredService<TimeProvider>();
            var options = sp.GetRequiredService<IOptions<GitHubAppOptions>>();
            var logs = sp.GetRequiredService<ILoggerFactory>();
            var identity = sp.GetRequiredService<GitHubAppIdentity>();
            var writes = sp.GetRequiredService<LookBeforeWriteRetry>();
            return new GradingPublisher(
                new CheckRunPublisher(clients, options, identity, writes, time, logs.CreateLogger<CheckRunPublisher>()),
                new ReviewPublisher(clients, identity, writes, logs.CreateLogger<ReviewPublisher>()),
                new PullRequestSummaryPublisher(clients, identity, writes, time, logs.CreateLogger<PullRequestSummaryPublisher>()),
                time,
                logs.CreateLogger<GradingPublisher>());
        });
        services.AddSingleton<GradingAction>();
        return services;
    }
}

/// <summary>
/// The App behind a workflow's GITHUB_TOKEN on github.com. On GitHub Enterprise Server its id differs: set
/// Grader__GitHub__AppId (and Grader__GitHub__AppSlug if it is not github-actions), or github.app_id in a config file.
/// </summary>
public static class GitHubActionsApp
{
    public const long Id = 15368;
    public const string Slug = "github-actions";
}
