using System.Globalization;
using Grader.Bot.Configuration;
using Grader.Bot.Jobs;
using Grader.Bot.Publishing;
using Grader.Evidence.Model;
using Grader.Evidence.Recording;
using Microsoft.Extensions.Options;

namespace Grader.Bot.Integration;

/// <summary>
/// The bot's recording hook: every grading the runner finished becomes a signed evidence record (an incomplete one as
/// a grader error, never an attempt), the learner being the pull request's author. A store that cannot be written is
/// logged as an error and never turns the learner's result into a failure.
/// </summary>
public sealed partial class GradingEvidence(EvidenceRecorder recorder, IRepositoryGateway gateway, IOptions<BotOptions> options, ILogger<GradingEvidence> logger) : IGradingEvidence
{
    /// <summary>
    /// Who the evidence of this assignment belongs to (the PR's author, asked of GitHub) and where the review links to,
    /// before the worker grades; null when no evidence is recorded or GitHub could not say (the grading goes on).
    /// </summary>
    public async Task<(SubmissionIdentity Identity, Uri? ProfileUrl)?> PrepareAsync(GradingAssignment assignment, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(assignment);
        if (!recorder.Enabled) return null;
        var pr = assignment.PullRequest;
        try
        {
            var snapshot = await gateway.GetPullRequestAsync(pr.InstallationId, pr.Repository, pr.Number, cancellationToken).ConfigureAwait(false);
            var prUrl = string.Create(CultureInfo.InvariantCulture, $"https://github.com/{pr.Repository}/pull/{pr.Number}");
            var identity = new SubmissionIdentity(snapshot.AuthorLogin, pr.Repository)
            {
                PullRequestNumber = pr.Number,
                PullRequestUrl = prUrl,
                HeadSha = assignment.HeadSha,
                CheckRunUrl = assignment.CheckRunId is { } id ? string.Create(CultureInfo.InvariantCulture, $"https://github.com/{pr.Repository}/runs/{id}") : null,
            };
            var profile = options.Value.Evidence.ProfileUrlTemplate is { Length: > 0 } template &&
                Uri.TryCreate(template.Replace("{login}", Uri.EscapeDataString(snapshot.AuthorLogin), StringComparison.Ordinal), UriKind.Absolute, out var url) ? url : null;
            return (identity, profile);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            LogNotRecorded(logger, e, assignment.JobKey);
            return null;
        }
    }

    /// <summary>Signs and stores the record the worker made of its run, with where it was published; a store that cannot be written never changes the learner's result.</summary>
    public async Task RecordAsync(string jobKey, string recordJson, string? checkRunUrl, string? reviewUrl, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(recordJson);
        if (!recorder.Enabled) return;
        try
        {
            var record = EvidenceJson.Deserialize(recordJson);
            await recorder.RecordAsync(record with
            {
                CheckRunUrl = checkRunUrl ?? record.CheckRunUrl,
                ReviewUrl = reviewUrl ?? record.ReviewUrl,
            }, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            LogNotRecorded(logger, e, jobKey);
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Job {JobKey}: the grading was not recorded as evidence")]
    private static partial void LogNotRecorded(ILogger logger, Exception exception, string jobKey);
}

public static class GradingEvidenceServiceCollectionExtensions
{
    /// <summary>The recorder (store and key from <c>Grader:Bot:Evidence</c>) and the bot's hook.</summary>
    public static IServiceCollection AddGradingEvidence(this IServiceCollection services)
    {
        services.AddSingleton(sp => new EvidenceRecorder(
            Options.Create(sp.GetRequiredService<IOptions<BotOptions>>().Value.Evidence.For(sp.GetRequiredService<IOptions<BotOptions>>().Value)),
            sp.GetRequiredService<ILogger<EvidenceRecorder>>()));
        services.AddSingleton<GradingEvidence>();
        services.AddSingleton<IGradingEvidence>(sp => sp.GetRequiredService<GradingEvidence>());
        return services;
    }
}
