using Grader.Bot.Configuration;
using Grader.GitHub.Outbox;
using Grader.GitHub.Publishing;
using Grader.Rubrics.Model;

namespace Grader.Bot.Storage;

/// <summary>Where a delivery stands: accepted ones are interpreted by the dispatcher, even after a restart.</summary>
public enum DeliveryState
{
    Accepted,
    Processed,
    Ignored,
    Failed,
}

/// <summary>Where a grading job stands. Only queued and running jobs are reconciled into Hangfire on start.</summary>
public enum JobState
{
    Queued,
    Running,
    Completed,
    Superseded,
    Cancelled,
    Failed,
}

/// <summary>A webhook delivery as persisted before it was acknowledged.</summary>
public sealed record StoredDelivery(string DeliveryId, string Event, string? Action, string Payload, DeliveryState State, DateTimeOffset ReceivedAt);

/// <summary>The pull request a job grades and where its results go.</summary>
public sealed record PullRequestRef(long InstallationId, string Repository, int Number)
{
    public string Owner => Repository[..Repository.IndexOf('/', StringComparison.Ordinal)];
    public string Name => Repository[(Repository.IndexOf('/', StringComparison.Ordinal) + 1)..];
    public override string ToString() => $"{Repository}#{Number}";
}

/// <summary>One grading job: a (repository, PR, head SHA) graded with a course rubric.</summary>
public sealed record GradingJobRecord
{
    public required string JobKey { get; init; }
    public required PullRequestRef PullRequest { get; init; }
    public required string HeadSha { get; init; }
    public required string RubricName { get; init; }
    public required string RubricPath { get; init; }
    public string? HiddenTestsPath { get; init; }
    public required string Queue { get; init; }
    public JobState State { get; init; }
    /// <summary>Attempts started (each start counts, also one a restart interrupted): the cap against crash loops.</summary>
    public int Attempts { get; init; }

    /// <summary>Attempts whose grading worker process died (crash, signal, memory, deadline) instead of answering.</summary>
    public int WorkerDeaths { get; init; }

    /// <summary>
    /// Whether a complete grading posts the review: false for a re-run of a commit that is no longer the PR's head
    /// (its check run only), so a review is only ever posted for the head.
    /// </summary>
    public bool PostsReview { get; init; } = true;
    public string? HangfireJobId { get; init; }
    public long? CheckRunId { get; init; }
    public string? Error { get; init; }

    /// <summary>
    /// When GitHub recorded the submission of this commit (the earliest pull request event naming it as the head, else
    /// when its delivery arrived): what late work is judged on, never the time it is graded. Null: unknown (no penalty).
    /// </summary>
    public DateTimeOffset? SubmittedAt { get; init; }

    /// <summary>The pull request's author (GitHub login): whose deadline extension applies.</summary>
    public string? Learner { get; init; }

    /// <summary>The pull request's base commit when it was scheduled, for benchmark references with <c>base_commit: true</c>.</summary>
    public string? BaseSha { get; init; }

    /// <summary>
    /// The learner's deadline extension for the module as intake resolved it (course configuration, else the roster):
    /// recorded with the job so a runner on another machine grades with it and needs no roster.
    /// </summary>
    public DeadlineExtension? Extension { get; init; }

    /// <summary>
    /// The extension to grade with: the one recorded at intake, else (a job recorded before extensions were recorded)
    /// the one the runner's own course entry gives.
    /// </summary>
    public DeadlineExtension? ExtensionWith(CourseRubric? local) =>
        Extension ?? local?.ExtensionFor(Learner);

    /// <summary>Whether the module's results were published when the job started (set by <c>TryStartJobAsync</c> only).</summary>
    public bool ModulePublished { get; init; }

    /// <summary>
    /// Set while the submission limit holds the job back: the time its next grading is possible. The job is then
    /// completed (its check run says until when) and can be queued again once that time has come.
    /// </summary>
    public DateTimeOffset? DeferredUntil { get; init; }

    /// <summary>An instructor asked for this run (<c>/grade</c> or <c>/regrade</c>): the submission limit neither refuses nor counts it.</summary>
    public bool LimitExempt { get; init; }

    /// <summary>Which time the job is graded: 1, then one more per regrade. A run publishes one queued check run and one result.</summary>
    public int Run { get; init; } = 1;

    public static string KeyFor(string repository, int number, string headSha) => $"{repository}#{number}@{headSha}";

    /// <summary>Where the job's check run and review go; the job key is the check run's external id.</summary>
    public PublishTarget PublishTarget => new(PullRequest.InstallationId, PullRequest.Owner, PullRequest.Name, PullRequest.Number, HeadSha, JobKey);

    /// <summary>The outbox key of this run's publication of <paramref name="kind"/>: enqueued once per run.</summary>
    public string PublicationKey(PublicationKind kind) => $"{JobKey}/run-{Run}/{kind}";
}

/// <summary>A job recorded and completed at once without grading: its result, and for a deferral until when.</summary>
public sealed record NotGraded(OutboxResult Result, DateTimeOffset? DeferredUntil = null);
