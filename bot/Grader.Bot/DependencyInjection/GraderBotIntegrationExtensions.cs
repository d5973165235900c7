using Grader.Bot.Integration;
using Grader.Bot.Integration.Worker;
using Grader.Bot.Jobs;
using Grader.Bot.Monitoring;
using Grader.Bot.Publishing;

namespace Microsoft.Extensions.DependencyInjection;

public static class GraderBotIntegrationExtensions
{
    /// <summary>
    /// The real seams: GitHub (App auth, check runs, reviews, repository reads; section <c>Grader:GitHub</c>) and, when this
    /// process runs jobs, grading in worker processes (section <c>Grader:Bot:Worker</c>) plus the runner services this process
    /// keeps for itself: the start-up sweep and removing what a dead worker left (section <c>Grader:Runner</c>).
    /// </summary>
    public static IServiceCollection AddGraderBotIntegrations(this IServiceCollection services, IConfiguration configuration, bool runJobs)
    {
        services.AddGraderGitHub(configuration);
        services.AddGraderMonitoring();
        services.AddSingleton<IRepositoryGateway, GitHubRepositoryGateway>();
        if (runJobs)
        {
            services.AddGraderRunner(configuration);
            services.AddSingleton<WorkerGpuPinning>();
            services.AddSingleton<ISubmissionGrader, WorkerProcessGrader>();
        }

        return services;
    }
}
