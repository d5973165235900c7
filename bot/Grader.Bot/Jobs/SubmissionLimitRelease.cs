using System.Globalization;
using System.Text.Json;
using Grader.Bot.Storage;
using Grader.Bot.Webhooks;

namespace Grader.Bot.Jobs;

/// <summary>
/// The delayed Hangfire job a deferral schedules for the time the learner's next grading is possible. It grades nothing
/// itself: it records an internal delivery (<see cref="EventName"/>) that the intake interprets like any other, by
/// reading the pull request's current head from GitHub and scheduling it normally, so a push made meanwhile supersedes
/// the deferred one and only the latest head is graded. The delivery id names the pull request and the time: several
/// deferrals of one pull request to the same time release it once, and a release that runs twice records nothing twice.
/// </summary>
public sealed class SubmissionLimitRelease(GraderStore store, DeliverySignal deliveries, TimeProvider time)
{
    /// <summary>How long after the promised time the release runs: clocks and Hangfire's rounding may differ by less.</summary>
    public static readonly TimeSpan Margin = TimeSpan.FromSeconds(1);

    /// <summary>The event name of the internal delivery; GitHub never sends it (webhooks cannot forge it: triage accepts GitHub's events only).</summary>
    public const string EventName = "grader_submission_limit";

    public async Task RunAsync(long installationId, string repository, int number, DateTimeOffset until, CancellationToken cancellationToken)
    {
        if (time.GetUtcNow() < until)
        {
            // Started early (this runner's clock is behind, or someone triggered it): Hangfire retries it later, on its queue.
            throw new InvalidOperationException($"The submission limit release of {repository}#{number} started before {until:O}.");
        }

        var payload = JsonSerializer.Serialize(new ReleasePayload(installationId, repository, number), BotJson.Options);
        var id = string.Create(CultureInfo.InvariantCulture, $"submission-limit/{repository}#{number}/{until.ToUnixTimeMilliseconds()}");
        if (await store.TryAddDeliveryAsync(id, EventName, null, payload, DeliveryState.Accepted, null, cancellationToken).ConfigureAwait(false))
        {
            deliveries.Notify();
        }
    }

    /// <summary>Reads the payload of a release delivery.</summary>
    public static PullRequestRef Read(string payload)
    {
        var release = JsonSerializer.Deserialize<ReleasePayload>(payload, BotJson.Options) ?? throw new InvalidDataException("empty submission limit release");
        return new PullRequestRef(release.InstallationId, release.Repository, release.Number);
    }

    private sealed record ReleasePayload(long InstallationId, string Repository, int Number);
}
