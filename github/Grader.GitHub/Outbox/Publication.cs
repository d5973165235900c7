using Grader.GitHub.Publishing;

namespace Grader.GitHub.Outbox;

/// <summary>What a publication does on GitHub.</summary>
public enum PublicationKind
{
    /// <summary>Create the check run in state queued (or find the one this job has).</summary>
    QueuedCheckRun,

    /// <summary>Complete the check run with a result and, when it has a review body, post the review.</summary>
    Result,

    /// <summary>
    /// Show a published result as visibility now allows (the due date passed, results published): the completed check
    /// run's output and the commit's review are edited in place; nothing new is posted.
    /// </summary>
    VisibilityUpdate,
}

/// <summary>One write to GitHub waiting in an outbox.</summary>
public sealed record Publication
{
    /// <summary>Idempotency key: enqueueing a key the outbox holds already (in any state) adds nothing.</summary>
    public required string Key { get; init; }

    public required PublicationKind Kind { get; init; }

    public required PublishTarget Target { get; init; }

    /// <summary>The target's check run when known; otherwise it is found by the job's external id, or created.</summary>
    public long? CheckRunId { get; init; }

    /// <summary>What a <see cref="PublicationKind.Result"/> publishes; null for a queued check run.</summary>
    public PublishableResult? Result { get; init; }

    /// <summary>
    /// An unsigned competency evidence record (JSON), opaque here: the outbox's owner stores it once GitHub holds the
    /// check run and review, naming them (<see cref="IPublicationFollowUp"/>).
    /// </summary>
    public string? Evidence { get; init; }

    public static Publication QueuedCheckRun(string key, PublishTarget target) =>
        new() { Key = key, Kind = PublicationKind.QueuedCheckRun, Target = target };

    public static Publication ForVisibility(string key, PublishTarget target, PublishableResult result) =>
        new() { Key = key, Kind = PublicationKind.VisibilityUpdate, Target = target, Result = result };

    public static Publication ForResult(string key, PublishTarget target, PublishableResult result, string? evidence = null) =>
        new() { Key = key, Kind = PublicationKind.Result, Target = target, Result = result, Evidence = evidence };
}

/// <summary>A pending publication as an outbox hands it to the relay.</summary>
/// <param name="Attempts">Attempts that failed so far.</param>
/// <param name="EnqueuedAt">When it entered the outbox: its age bounds the retries (<see cref="PublishingOptions.OutboxMaxAge"/>).</param>
public sealed record OutboxEntry(long Id, Publication Publication, int Attempts, DateTimeOffset EnqueuedAt);
