using System.Security.Cryptography;
using System.Text;
using Grader.Bot.Configuration;
using Grader.Bot.Jobs;
using Grader.Configuration;
using Grader.GitHub.Auth;
using Grader.Runner;
using Grader.Runner.Docker;
using Grader.Runner.Pipeline;
using Microsoft.Extensions.Options;

namespace Grader.Bot.Integration.Worker;

/// <summary>
/// <see cref="ISubmissionGrader"/> that grades in a child process (<c>grader worker</c>), as actions/runner's listener
/// never runs a job itself: a crash, stack overflow or memory blow-up while grading costs that attempt, never intake,
/// the dispatcher or the outbox of this process. This side holds the App's credentials and hands the worker only a
/// short-lived installation token. After the worker ends, however it ended, the job's Docker objects and work folder
/// are removed here, since a killed worker cannot clean up after itself.
/// </summary>
public sealed partial class WorkerProcessGrader(
    IInstallationTokenProvider tokens,
    IDockerJanitor janitor,
    IConfiguration configuration,
    IOptions<BotOptions> bot,
    IOptions<GradingWorkerOptions> worker,
    IOptions<RunnerOptions> runner,
    GradingEvidence evidence,
    WorkerGpuPinning gpus,
    Grader.Bot.Monitoring.GraderMetrics metrics,
    ILogger<WorkerProcessGrader> logger) : ISubmissionGrader
{
    /// <summary>
    /// Configuration sections the worker composes its runner and logging from: the sections the runner binds, and
    /// nothing of the bot's, GitHub's or the evidence signing key's (they share the <c>Grader</c> prefix).
    /// </summary>
    internal static readonly IReadOnlyList<string> WorkerSections =
    [
        .. GraderSections.Bound(new ServiceCollection().AddGraderRunner(new ConfigurationBuilder().Build())).Select(t => GraderSections.SectionNameOf(t)!),
        "Logging",
    ];

    private static readonly TimeSpan CleanupLimit = TimeSpan.FromMinutes(2);

    public async Task<GradedSubmission> GradeAsync(GradingAssignment assignment, IProgress<string> progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(assignment);
        var token = await tokens.GetTokenAsync(assignment.PullRequest.InstallationId, cancellationToken).ConfigureAwait(false);
        var learner = await evidence.PrepareAsync(assignment, cancellationToken).ConfigureAwait(false);
        var settings = WorkerSections.SelectMany(s => configuration.GetSection(s).AsEnumerable()).Where(kv => kv.Value is not null)
            .ToDictionary(kv => kv.Key, kv => kv.Value, StringComparer.OrdinalIgnoreCase);
        await using var gpu = await gpus.PinAsync(assignment.Queue, settings, cancellationToken).ConfigureAwait(false);
        var work = new WorkerAssignment
        {
            JobKey = assignment.JobKey,
            DockerJobId = DockerJobId(assignment.JobKey),
            Repository = assignment.PullRequest.Repository,
            HeadSha = assignment.HeadSha,
            RubricPath = assignment.RubricPath,
            HiddenTestsPath = assignment.HiddenTestsPath,
            CloneUrl = new Uri(bot.Value.CloneUrlTemplate.Replace("{repository}", assignment.PullRequest.Repository, StringComparison.Ordinal)),
            GitRef = $"refs/pull/{assignment.PullRequest.Number}/head",
            Token = token.Token,
            Evidence = learner?.Identity,
            EvidenceUrl = learner?.ProfileUrl,
            Settings = settings,
            SubmittedAt = assignment.SubmittedAt,
            Extension = assignment.Extension,
            BaseCommit = assignment.BaseCommit,
            ResultsPublished = assignment.ResultsPublished,
        };

        var options = worker.Value;
        WorkerOutcome outcome;
        using (var process = WorkerProcess.Start(WorkerLaunch.For(options.Command, assignment.JobKey), options, assignment.JobKey, logger))
        {
            LogStarted(logger, assignment.JobKey, process.Id);
            try
            {
                outcome = await process.RunAsync(work, progress, options, cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                await CleanUpAsync(work.DockerJobId, assignment.JobKey).ConfigureAwait(false);
            }
        }

        // Skipped steps took no time: they would only pull the quantiles towards zero.
        foreach (var step in (outcome.Answer?.Steps ?? []).Where(s => s.Status != StepStatus.Skipped))
        {
            metrics.StepTimed(step.Step, step.Duration);
        }

        // The record is signed by the bot, never in the worker: the key stays here.
        return outcome.Answer switch
        {
            { Result: { } result, Error: null } => new GradedSubmission(result, outcome.Answer.Evidence) { Visible = outcome.Answer.Visible },
            { Result: { } partial, Error: { } error } => throw new IncompleteGradingException(error, partial) { Evidence = outcome.Answer.Evidence },
            { Error: { } error } => throw new GraderInfrastructureException(error),
            _ => throw new GradingWorkerDiedException(outcome.DeathCause),
        };
    }

    /// <summary>Removes what the attempt left in Docker and on disk; a worker that answered did so already, so this finds nothing then.</summary>
    private async Task CleanUpAsync(string dockerJobId, string jobKey)
    {
        using var limit = new CancellationTokenSource(CleanupLimit);
        try
        {
            await janitor.CleanupJobAsync(runner.Value.RunnerId, dockerJobId, [], limit.Token).ConfigureAwait(false);
            var folder = Path.Combine(Path.GetFullPath(runner.Value.WorkRoot), dockerJobId);
            if (!runner.Value.KeepWorkDirectories && Directory.Exists(folder))
            {
                Directory.Delete(folder, recursive: true);
            }
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // Leftovers carry the runner's labels: the next start-up sweep removes them.
            LogCleanupFailed(logger, jobKey, ex);
        }
    }

    /// <summary>Docker labels want a short, safe id; the job key has slashes and a SHA. Every attempt of a job uses the same.</summary>
    public static string DockerJobId(string jobKey) =>
        "bot-" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(jobKey)))[..16];

    [LoggerMessage(Level = LogLevel.Information, Message = "Job {JobKey}: grading in worker process {ProcessId}")]
    private static partial void LogStarted(ILogger logger, string jobKey, int processId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Job {JobKey}: removing the attempt's Docker objects failed; the start-up sweep will")]
    private static partial void LogCleanupFailed(ILogger logger, string jobKey, Exception exception);
}
