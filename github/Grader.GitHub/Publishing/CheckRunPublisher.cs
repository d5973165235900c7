using Grader.GitHub.Auth;
using Grader.GitHub.Clients;
using Grader.GitHub.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Octokit;

namespace Grader.GitHub.Publishing;

/// <summary>
/// The check run's lifecycle: queued on receipt, in_progress with the current step, completed with the result.
/// The job id travels as external_id, so a retried job finds and reuses its check run instead of adding one; only
/// check runs this App created count (another App can copy the name and the external id). Creating and adding
/// annotations look at what GitHub stored first, so an answer lost after GitHub stored it never duplicates them.
/// </summary>
public sealed partial class CheckRunPublisher(
    IGitHubClientFactory clients,
    IOptions<GitHubAppOptions> options,
    GitHubAppIdentity identity,
    LookBeforeWriteRetry writes,
    TimeProvider time,
    ILogger<CheckRunPublisher> logger)
{
    private const string InProgressTitle = "Grading in progress";

    /// <summary>Finds this job's check run on the head commit, or creates it as queued. Returns its id.</summary>
    public Task<long> StartAsync(PublishTarget target, Uri? detailsUrl, CancellationToken cancellationToken)
    {
        var client = clients.CreateInstallationClient(target.InstallationId);
        return writes.RunAsync($"the check run of {target}", ct => FindAsync(client, target, ct), async (mine, ct) =>
        {
            if (mine is not null)
            {
                LogReusingCheckRun(logger, mine.Id, target.ToString());
                return mine.Id;
            }

            var created = await GitHubCallScope.RunAsync(
                () => client.Check.Run.Create(target.Owner, target.Repository, new NewCheckRun(options.Value.CheckRunName, target.HeadSha)
                {
                    Status = CheckStatus.Queued,
                    ExternalId = target.JobId,
                    DetailsUrl = detailsUrl?.AbsoluteUri,
                }),
                ct).ConfigureAwait(false);
            LogCheckRunCreated(logger, created.Id, target.ToString());
            return created.Id;
        }, cancellationToken);
    }

    /// <summary>This job's check run on the head commit: created by this App, with the job's external id.</summary>
    private async Task<CheckRun?> FindAsync(IGitHubClient client, PublishTarget target, CancellationToken cancellationToken)
    {
        var existing = await GitHubCallScope.RunAsync(
            () => client.Check.Run.GetAllForReference(target.Owner, target.Repository, target.HeadSha,
                new CheckRunRequest { CheckName = options.Value.CheckRunName, Filter = CheckRunCompletedAtFilter.All }),
            cancellationToken).ConfigureAwait(false);
        var sameJob = existing.CheckRuns.Where(run => run.ExternalId == target.JobId).ToList();
        foreach (var foreign in sameJob.Where(run => !identity.Created(run)))
        {
            LogForeignCheckRun(logger, foreign.Id, foreign.App?.Id, foreign.App?.Slug, target.ToString());
        }

        return sameJob.FirstOrDefault(identity.Created);
    }

    /// <summary>Marks the check run in_progress and shows the step the grader is on.</summary>
    public Task ReportProgressAsync(PublishTarget target, long checkRunId, string step, CancellationToken cancellationToken)
    {
        var client = clients.CreateInstallationClient(target.InstallationId);
        var update = new CheckRunUpdate
        {
            Status = CheckStatus.InProgress,
            StartedAt = time.GetUtcNow(),
            Output = new NewCheckRunOutput(InProgressTitle, GitHubLimits.Truncate(step)),
        };
        return GitHubCallScope.RunAsync(
            () => client.Check.Run.Update(target.Owner, target.Repository, checkRunId, update), cancellationToken);
    }

    /// <summary>
    /// Completes the check run. GitHub takes at most 50 annotations per request and appends those of each update,
    /// so the first request carries the conclusion and the first 50, further PATCHes the rest with the same title and summary.
    /// Annotations GitHub already holds (from an attempt whose answer was lost) are not sent again.
    /// </summary>
    public Task CompleteAsync(PublishTarget target, long checkRunId, PublishableResult result, CancellationToken cancellationToken)
    {
        var client = clients.CreateInstallationClient(target.InstallationId);
        var title = result.Title.Length > 255 ? result.Title[..255] : result.Title;
        var summary = GitHubLimits.Truncate(result.Summary);
        var text = result.Text is null ? null : GitHubLimits.Truncate(result.Text);
        return writes.RunAsync(
            $"the result on check run {checkRunId} of {target}",
            ct => GitHubCallScope.RunAsync(() => client.Check.Run.Get(target.Owner, target.Repository, checkRunId), ct),
            async (stored, ct) =>
        {
            // An earlier attempt at this same result (its output is there) whose answer was lost left its annotations.
            var sameResult = stored.Output is { } output && output.Title == title && output.Summary == summary;
            var already = sameResult ? (int)Math.Min(stored.Output!.AnnotationsCount, result.Annotations.Count) : 0;
            var batches = result.Annotations.Skip(already).Chunk(GitHubLimits.MaxAnnotationsPerRequest).ToList();
            var first = new CheckRunUpdate
            {
                Status = CheckStatus.Completed,
                Conclusion = ToConclusion(result.Conclusion),
                CompletedAt = time.GetUtcNow(),
                DetailsUrl = result.DetailsUrl?.AbsoluteUri,
                Output = Output(title, summary, text, batches.Count > 0 ? batches[0] : []),
            };
            // Setting the conclusion may be repeated; annotations append, so a request carrying them may not.
            Func<Task<CheckRun>> complete = () => client.Check.Run.Update(target.Owner, target.Repository, checkRunId, first);
            await (batches.Count == 0 ? GitHubCallScope.RunAsync(complete, ct) : GitHubCallScope.RunOnceAsync(complete, ct)).ConfigureAwait(false);

            foreach (var batch in batches.Skip(1))
            {
                var more = new CheckRunUpdate { Output = Output(title, summary, text, batch) };
                await GitHubCallScope.RunOnceAsync(
                    () => client.Check.Run.Update(target.Owner, target.Repository, checkRunId, more), ct).ConfigureAwait(false);
            }

            LogCheckRunCompleted(logger, checkRunId, result.Conclusion, result.Annotations.Count, Math.Max(1, batches.Count), target.ToString());
            return true;
        }, cancellationToken);
    }

    /// <summary>Replaces a completed check run's title, summary and text (no annotations: those it has stay). Idempotent.</summary>
    public Task UpdateOutputAsync(PublishTarget target, long checkRunId, PublishableResult result, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(result);
        var client = clients.CreateInstallationClient(target.InstallationId);
        var title = result.Title.Length > 255 ? result.Title[..255] : result.Title;
        var update = new CheckRunUpdate
        {
            Output = Output(title, GitHubLimits.Truncate(result.Summary), result.Text is null ? null : GitHubLimits.Truncate(result.Text), []),
        };
        return GitHubCallScope.RunAsync(() => client.Check.Run.Update(target.Owner, target.Repository, checkRunId, update), cancellationToken);
    }

    private static NewCheckRunOutput Output(string title, string summary, string? text, IReadOnlyList<PublishAnnotation> annotations) =>
        new(title, summary)
        {
            Text = text,
            Annotations = annotations.Count == 0 ? null : annotations.Select(ToAnnotation).ToList(),
        };

    private static NewCheckRunAnnotation ToAnnotation(PublishAnnotation annotation)
    {
        var start = Math.Max(1, annotation.StartLine);
        return new NewCheckRunAnnotation(annotation.Path, start, Math.Max(start, annotation.EndLine), annotation.Level switch
        {
            PublishAnnotationLevel.Failure => CheckAnnotationLevel.Failure,
            PublishAnnotationLevel.Warning => CheckAnnotationLevel.Warning,
            _ => CheckAnnotationLevel.Notice,
        }, GitHubLimits.Truncate(annotation.Message, 64 * 1024 - 1))
        {
            Title = annotation.Title,
        };
    }

    private static CheckConclusion ToConclusion(PublishConclusion conclusion) => conclusion switch
    {
        PublishConclusion.Success => CheckConclusion.Success,
        PublishConclusion.Failure => CheckConclusion.Failure,
        PublishConclusion.ActionRequired => CheckConclusion.ActionRequired,
        _ => CheckConclusion.Neutral,
    };

    [LoggerMessage(EventId = 2201, Level = LogLevel.Information, Message = "Created check run {CheckRunId} for {Target}")]
    private static partial void LogCheckRunCreated(ILogger logger, long checkRunId, string target);

    [LoggerMessage(EventId = 2202, Level = LogLevel.Information, Message = "Reusing check run {CheckRunId} of the same job for {Target}")]
    private static partial void LogReusingCheckRun(ILogger logger, long checkRunId, string target);

    [LoggerMessage(EventId = 2204, Level = LogLevel.Warning, Message = "Check run {CheckRunId} on {Target} has this job's name and external id but was created by app {AppId} ({AppSlug}), not this App; ignored")]
    private static partial void LogForeignCheckRun(ILogger logger, long checkRunId, long? appId, string? appSlug, string target);

    [LoggerMessage(EventId = 2203, Level = LogLevel.Information, Message = "Completed check run {CheckRunId} as {Conclusion} with {Annotations} annotations in {Requests} requests for {Target}")]
    private static partial void LogCheckRunCompleted(ILogger logger, long checkRunId, PublishConclusion conclusion, int annotations, int requests, string target);
}
