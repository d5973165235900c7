using Grader.Bot.Jobs;
using Grader.Bot.Publishing;
using Grader.Bot.Storage;
using Grader.Bot.Webhooks;

namespace Grader.Bot.Intake;

/// <summary>Turns one stored delivery into actions: schedule, cancel, or record installations. Returns a note for the store.</summary>
public sealed class DeliveryInterpreter(
    CourseResolver courses,
    IRepositoryGateway gateway,
    JobScheduler scheduler,
    GraderStore store)
{
    private static readonly HashSet<string> WritePermissions = new(StringComparer.Ordinal) { "admin", "maintain", "write" };

    public Task<string> InterpretAsync(StoredDelivery delivery, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(delivery);
        if (delivery.Event == SubmissionLimitRelease.EventName)
        {
            return OnSubmissionLimitReleasedAsync(SubmissionLimitRelease.Read(delivery.Payload), delivery.ReceivedAt, cancellationToken);
        }

        var envelope = WebhookEnvelope.Parse(delivery.Payload);
        return delivery.Event switch
        {
            "pull_request" => OnPullRequestAsync(envelope, delivery.ReceivedAt, cancellationToken),
            "issue_comment" => OnCommentAsync(envelope, delivery.ReceivedAt, cancellationToken),
            "check_run" => OnCheckRunRerequestedAsync(envelope, delivery.ReceivedAt, cancellationToken),
            "installation" => OnInstallationAsync(envelope, cancellationToken),
            "installation_repositories" => OnInstallationRepositoriesAsync(envelope, cancellationToken),
            _ => Task.FromResult($"event '{delivery.Event}' not handled"),
        };
    }

    /// <summary>
    /// Grades the PR's current head as GitHub reports it, never the payload's SHA: deliveries arrive late, twice and out
    /// of order, so a late <c>opened</c> for an ancestor neither supersedes the head's job nor gets a job of its own.
    /// The submission time is the one GitHub recorded in the event (<c>pull_request.updated_at</c>) when the event names
    /// the head; an event about an older head says nothing of the new one's time, so the delivery's arrival stands in.
    /// </summary>
    private async Task<string> OnPullRequestAsync(WebhookEnvelope envelope, DateTimeOffset receivedAt, CancellationToken cancellationToken)
    {
        var pr = envelope.PullRequest!;
        var repository = envelope.Repository!.FullName;
        if (envelope.Installation is null)
        {
            return envelope.Action == "closed"
                ? $"closed: {await scheduler.CancelPullRequestAsync(repository, pr.Number, cancellationToken).ConfigureAwait(false)} job(s) cancelled"
                : "no installation: cannot act for the app";
        }

        var installation = envelope.Installation.Id;
        if (envelope.Action == "closed")
        {
            var now = await gateway.GetPullRequestAsync(installation, repository, pr.Number, cancellationToken).ConfigureAwait(false);
            if (now.Open)
            {
                return "closed, but the pull request is open again: nothing cancelled";
            }

            var cancelled = await scheduler.CancelPullRequestAsync(repository, pr.Number, cancellationToken).ConfigureAwait(false);
            return $"closed: {cancelled} job(s) cancelled";
        }

        var course = await courses.ResolveAsync(installation, repository, cancellationToken).ConfigureAwait(false);
        if (course is null)
        {
            return "repository not graded";
        }

        var snapshot = await gateway.GetPullRequestAsync(installation, repository, pr.Number, cancellationToken).ConfigureAwait(false);
        if (!snapshot.Open)
        {
            return "pull request is closed";
        }

        if (snapshot.Draft && !course.GradeDrafts)
        {
            return "draft skipped";
        }

        var namesHead = string.Equals(pr.Head.Sha, snapshot.HeadSha, StringComparison.OrdinalIgnoreCase);
        var submittedAt = namesHead && pr.UpdatedAt is { } recorded ? recorded : receivedAt;
        var note = await scheduler.ScheduleAsync(new PullRequestRef(installation, repository, snapshot.Number), snapshot.HeadSha, course,
            regrade: false, isHead: true, new Submission(submittedAt, snapshot.AuthorLogin, snapshot.BaseSha), cancellationToken).ConfigureAwait(false);
        return namesHead
            ? note
            : $"payload head {Short(pr.Head.Sha)} is not the head any more; graded the head {Short(snapshot.HeadSha)}: {note}";
    }

    /// <summary>
    /// <c>/grade</c> and <c>/regrade</c> comments. A commit graded before keeps the submission time GitHub recorded for
    /// it; one the bot never saw is submitted when the comment's delivery arrived.
    /// </summary>
    private async Task<string> OnCommentAsync(WebhookEnvelope envelope, DateTimeOffset receivedAt, CancellationToken cancellationToken)
    {
        if (envelope.Installation is null || envelope.Repository is null || envelope.Comment?.User is null)
        {
            return "comment without installation, repository or author";
        }

        var command = GradeComment.Parse(envelope.Comment.Body)!.Value;
        var repository = envelope.Repository.FullName;
        var installation = envelope.Installation.Id;
        var snapshot = await gateway.GetPullRequestAsync(installation, repository, envelope.Issue!.Number, cancellationToken).ConfigureAwait(false);
        var commenter = envelope.Comment.User.Login;
        var byInstructor = false;
        if (!string.Equals(commenter, snapshot.AuthorLogin, StringComparison.OrdinalIgnoreCase))
        {
            var permission = await gateway.GetCollaboratorPermissionAsync(installation, repository, commenter, cancellationToken).ConfigureAwait(false);
            if (!WritePermissions.Contains(permission))
            {
                return $"/{command.ToString().ToLowerInvariant()} by {commenter} refused: not the author and permission '{permission}'";
            }

            // Someone with write permission who is not the author (learners often own their repository, so write
            // permission alone says nothing): the submission limit neither refuses nor counts it.
            byInstructor = true;
        }

        if (!snapshot.Open)
        {
            return "pull request is closed";
        }

        var course = await courses.ResolveAsync(installation, repository, cancellationToken).ConfigureAwait(false);
        if (course is null)
        {
            return "repository not graded";
        }

        // An explicit command grades drafts too: someone asked for it.
        return await scheduler.ScheduleAsync(new PullRequestRef(installation, repository, snapshot.Number), snapshot.HeadSha, course,
            regrade: command == GradeCommandKind.Regrade, isHead: true, new Submission(receivedAt, snapshot.AuthorLogin, snapshot.BaseSha, LimitExempt: byInstructor), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// The time a deferral promised has come (<see cref="SubmissionLimitRelease"/>): the PR's current head as GitHub
    /// reports it is scheduled as a push would be, so only the newest commit is graded, once; the limit applies again.
    /// </summary>
    private async Task<string> OnSubmissionLimitReleasedAsync(PullRequestRef pullRequest, DateTimeOffset receivedAt, CancellationToken cancellationToken)
    {
        var course = await courses.ResolveAsync(pullRequest.InstallationId, pullRequest.Repository, cancellationToken).ConfigureAwait(false);
        if (course is null)
        {
            return "repository not graded";
        }

        var snapshot = await gateway.GetPullRequestAsync(pullRequest.InstallationId, pullRequest.Repository, pullRequest.Number, cancellationToken).ConfigureAwait(false);
        if (!snapshot.Open)
        {
            return "pull request is closed";
        }

        if (snapshot.Draft && !course.GradeDrafts)
        {
            return "draft skipped";
        }

        // A head the bot saw keeps the submission time GitHub recorded for it (the earliest counts).
        var note = await scheduler.ScheduleAsync(pullRequest with { Number = snapshot.Number }, snapshot.HeadSha, course,
            regrade: false, isHead: true, new Submission(receivedAt, snapshot.AuthorLogin, snapshot.BaseSha), cancellationToken).ConfigureAwait(false);
        return $"submission limit released: head {Short(snapshot.HeadSha)}: {note}";
    }

    /// <summary>
    /// "Re-run" on a check run grades that commit again. When it is not the PR's head any more, the re-run neither
    /// cancels nor supersedes the head's job and publishes its own check run only, never a review.
    /// </summary>
    private async Task<string> OnCheckRunRerequestedAsync(WebhookEnvelope envelope, DateTimeOffset receivedAt, CancellationToken cancellationToken)
    {
        if (envelope.Installation is null || envelope.Repository is null)
        {
            return "check run without installation or repository";
        }

        var repository = envelope.Repository.FullName;
        var installation = envelope.Installation.Id;
        var course = await courses.ResolveAsync(installation, repository, cancellationToken).ConfigureAwait(false);
        if (course is null)
        {
            return "repository not graded";
        }

        var sha = envelope.CheckRun!.HeadSha;
        var snapshot = await gateway.GetPullRequestAsync(installation, repository, envelope.CheckRun.PullRequests![0].Number, cancellationToken).ConfigureAwait(false);
        if (!snapshot.Open)
        {
            return "pull request is closed";
        }

        var isHead = string.Equals(sha, snapshot.HeadSha, StringComparison.OrdinalIgnoreCase);
        var note = await scheduler.ScheduleAsync(new PullRequestRef(installation, repository, snapshot.Number), sha, course,
            regrade: true, isHead, new Submission(receivedAt, snapshot.AuthorLogin, snapshot.BaseSha), cancellationToken).ConfigureAwait(false);
        return isHead ? note : $"re-run of {Short(sha)}, not the head {Short(snapshot.HeadSha)}: check run only; {note}";
    }

    private async Task<string> OnInstallationAsync(WebhookEnvelope envelope, CancellationToken cancellationToken)
    {
        var id = envelope.Installation!.Id;
        var repositories = Names(envelope.Repositories);
        switch (envelope.Action)
        {
            case "created":
                await store.UpdateInstallationAsync(id, repositories, [], replaceAll: true, cancellationToken).ConfigureAwait(false);
                return $"installation {id}: {repositories.Count} repositories";
            case "deleted":
                await store.UpdateInstallationAsync(id, [], [], replaceAll: true, cancellationToken).ConfigureAwait(false);
                return $"installation {id} removed";
            default:
                return $"installation action '{envelope.Action}' not handled";
        }
    }

    private async Task<string> OnInstallationRepositoriesAsync(WebhookEnvelope envelope, CancellationToken cancellationToken)
    {
        var id = envelope.Installation!.Id;
        var added = Names(envelope.RepositoriesAdded);
        var removed = Names(envelope.RepositoriesRemoved);
        await store.UpdateInstallationAsync(id, added, removed, replaceAll: false, cancellationToken).ConfigureAwait(false);
        return $"installation {id}: +{added.Count} -{removed.Count}";
    }

    private static string Short(string sha) => sha.Length > 7 ? sha[..7] : sha;

    private static List<string> Names(IReadOnlyList<RepositoryRef>? repositories) =>
        repositories?.Select(r => r.FullName).ToList() ?? [];
}
