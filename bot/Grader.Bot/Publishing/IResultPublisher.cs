using Grader.Bot.Storage;
using Grader.GitHub.Publishing;

namespace Grader.Bot.Publishing;

/// <summary>Writes to GitHub: check runs and reviews. Throws on API errors; the outbox retries.</summary>
public interface IResultPublisher
{
    /// <summary>Creates the check run for a head SHA in state queued; returns its id.</summary>
    Task<long> CreateQueuedCheckRunAsync(PullRequestRef pullRequest, string headSha, CancellationToken cancellationToken);

    /// <summary>Marks the check run in progress with the step running now.</summary>
    Task ReportProgressAsync(PullRequestRef pullRequest, long checkRunId, string step, CancellationToken cancellationToken);

    /// <summary>Completes the check run (creating it when <paramref name="checkRunId"/> is null); returns its id.</summary>
    Task<long> CompleteCheckRunAsync(PullRequestRef pullRequest, string headSha, long? checkRunId, PublishableResult result, CancellationToken cancellationToken);

    /// <summary>Posts the review on the head SHA, unless the app already reviewed that SHA; returns the review id.</summary>
    Task<long> PostReviewAsync(PullRequestRef pullRequest, string headSha, PublishableResult result, CancellationToken cancellationToken);
}

/// <summary>Reads from GitHub what decides how (and whether) a PR is graded.</summary>
public interface IRepositoryGateway
{
    /// <summary>A file at the tip of the repository's default branch, or null when absent.</summary>
    Task<string?> GetDefaultBranchFileAsync(long installationId, string repository, string path, CancellationToken cancellationToken);

    /// <summary>The user's permission on the repository: admin, maintain, write, triage, read or none.</summary>
    Task<string> GetCollaboratorPermissionAsync(long installationId, string repository, string login, CancellationToken cancellationToken);

    /// <summary>The PR's current head, author, draft flag and state.</summary>
    Task<PullRequestSnapshot> GetPullRequestAsync(long installationId, string repository, int number, CancellationToken cancellationToken);
}

public sealed record PullRequestSnapshot(int Number, string HeadSha, string AuthorLogin, bool Draft, bool Open);
