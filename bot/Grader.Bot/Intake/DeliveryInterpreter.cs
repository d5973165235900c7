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
        var envelope = WebhookEnvelope.Parse(delivery.Payload);
        return delivery.Event switch
        {
            "pull_request" => OnPullRequestAsync(envelope, cancellationToken),
            "issue_comment" => OnCommentAsync(envelope, cancellationToken),
            "check_run" => OnCheckRunRerequestedAsync(envelope, cancellationToken),
            "installation" => OnInstallationAsync(envelope, cancellationToken),
            "installation_repositories" => OnInstallationRepositoriesAsync(envelope, cancellationToken),
            _ => Task.FromResult($"event '{delivery.Event}' not handled"),
        };
    }

    private async Task<string> OnPullRequestAsync(WebhookEnvelope envelope, CancellationToken cancellationToken)
    {
        var pr = envelope.PullRequest!;
        var repository = envelope.Repository!.FullName;
        if (envelope.Action == "closed")
        {
            var cancelled = await scheduler.CancelPullRequestAsync(repository, pr.Number, cancellationToken).ConfigureAwait(false);
            return $"closed: {cancelled} job(s) cancelled";
        }

        if (envelope.Installation is null)
        {
            return "no installation: cannot act for the app";
        }

        var pullRequest = new PullRequestRef(envelope.Installation.Id, repository, pr.Number);
        var course = await courses.ResolveAsync(pullRequest.InstallationId, repository, cancellationToken).ConfigureAwait(false);
        if (course is null)
        {
            return "repository not graded";
        }

        if (pr.Draft && !course.GradeDrafts)
        {
            return "draft skipped";
        }

        return await scheduler.ScheduleAsync(pullRequest, pr.Head.Sha, course, regrade: false, cancellationToken).ConfigureAwait(false);
    }

    private async Task<string> OnCommentAsync(WebhookEnvelope envelope, CancellationToken cancellationToken)
    {
        if (envelope.Installation is null || envelope.Repository is null || envelope.Comment?.User is null)
        {
            return "comment without installation, repository or author";
        }

        var command = GradeCommand.Parse(envelope.Comment.Body)!.Value;
        var repository = envelope.Repository.FullName;
        var installation = envelope.Installation.Id;
        var snapshot = await gateway.GetPullRequestAsync(installation, repository, envelope.Issue!.Number, cancellationToken).ConfigureAwait(false);
        var commenter = envelope.Comment.User.Login;
        if (!string.Equals(commenter, snapshot.AuthorLogin, StringComparison.OrdinalIgnoreCase))
        {
            var permission = await gateway.GetCollaboratorPermissionAsync(installation, repository, commenter, cancellationToken).ConfigureAwait(false);
            if (!WritePermissions.Contains(permission))
            {
                return $"/{command.ToString().ToLowerInvariant()} by {commenter} refused: not the author and permission '{permission}'";
            }
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
            regrade: command == GradeCommandKind.Regrade, cancellationToken).ConfigureAwait(false);
    }

    private async Task<string> OnCheckRunRerequestedAsync(WebhookEnvelope envelope, CancellationToken cancellationToken)
    {
        if (envelope.Installation is null || envelope.Repository is null)
        {
            return "check run without installation or repository";
        }

        var repository = envelope.Repository.FullName;
        var course = await courses.ResolveAsync(envelope.Installation.Id, repository, cancellationToken).ConfigureAwait(false);
        if (course is null)
        {
            return "repository not graded";
        }

        var number = envelope.CheckRun!.PullRequests![0].Number;
        return await scheduler.ScheduleAsync(new PullRequestRef(envelope.Installation.Id, repository, number), envelope.CheckRun.HeadSha, course,
            regrade: true, cancellationToken).ConfigureAwait(false);
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

    private static List<string> Names(IReadOnlyList<RepositoryRef>? repositories) =>
        repositories?.Select(r => r.FullName).ToList() ?? [];
}
