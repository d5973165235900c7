using System.Security.Cryptography;
using System.Text.Json.Nodes;

namespace Grader.Testing.GitHub;

/// <summary>A GitHub App known to the emulator; tests configure the client with its id and private key.</summary>
public sealed class EmulatedApp : IDisposable
{
    internal EmulatedApp(long id, string slug)
    {
        Id = id;
        Slug = slug;
        Key = RSA.Create(2048);
        PrivateKeyPem = Key.ExportRSAPrivateKeyPem();
    }

    public long Id { get; }
    public string Slug { get; }
    public string PrivateKeyPem { get; }

    /// <summary>The login GitHub gives the App's bot user, author of its reviews.</summary>
    public string BotLogin => Slug + "[bot]";

    internal RSA Key { get; }

    public void Dispose() => Key.Dispose();
}

public sealed class EmulatedInstallation
{
    public required long Id { get; init; }
    public required EmulatedApp App { get; init; }
    public required string Account { get; init; }
}

public sealed class EmulatedRepository
{
    public required long Id { get; init; }
    public required string Owner { get; init; }
    public required string Name { get; init; }
    public required long InstallationId { get; init; }
    public string DefaultBranch { get; set; } = "main";

    /// <summary>A real git repository (its .git directory or a bare one) served for contents and clones; null if none.</summary>
    public string? GitDirectory { get; set; }

    public bool Private { get; set; } = true;
    public string FullName => $"{Owner}/{Name}";

    /// <summary>Installations of other Apps on the same repository (a learner who owns it may install any App).</summary>
    public HashSet<long> OtherInstallationIds { get; } = [];
}

public sealed record EmulatedPullRequest(int Number, string HeadSha, string Author, string HeadRef = "feature", string BaseRef = "main", bool Draft = false, string State = "open", string? BaseSha = null);

/// <param name="User">The author's login: <c>{slug}[bot]</c> for an App, the user's login otherwise.</param>
/// <param name="UserType">The author's account type as GitHub reports it: <c>Bot</c> or <c>User</c>.</param>
/// <param name="Edits">How many times the body was edited (PUT) after the review was submitted.</param>
public sealed record EmulatedReview(long Id, int PullNumber, string CommitId, string Body, string State, string User, DateTimeOffset SubmittedAt, string UserType = "Bot", int Edits = 0);

/// <param name="Edits">How many times the body was edited (PATCH) after the comment was created.</param>
public sealed record EmulatedComment(long Id, int IssueNumber, string Body, string User, string UserType = "Bot", int Edits = 0);

/// <summary>A check run as GitHub stores it, with the history of its status changes and requests.</summary>
public sealed class EmulatedCheckRun
{
    public required long Id { get; init; }
    public required string Name { get; init; }
    public required string HeadSha { get; init; }
    public required string Repository { get; init; }

    /// <summary>The App that created it (GitHub's <c>check_run.app</c>); only that App may update it.</summary>
    public required EmulatedApp App { get; init; }

    public string? ExternalId { get; set; }
    public string? DetailsUrl { get; set; }
    public string Status { get; set; } = "queued";
    public string? Conclusion { get; set; }
    public DateTimeOffset? StartedAt { get; set; }
    public DateTimeOffset? CompletedAt { get; set; }
    public string? Title { get; set; }
    public string? Summary { get; set; }
    public string? Text { get; set; }
    public List<JsonObject> Annotations { get; } = [];
    public List<string> StatusHistory { get; } = [];

    /// <summary>Number of annotations each create/update request carried, in order.</summary>
    public List<int> AnnotationsPerRequest { get; } = [];
}

/// <summary>One request the emulator received (after prism let it through).</summary>
public sealed record RecordedRequest(string Method, string Path, string Query, string? Authorization, string Body, int Status);

public enum FaultKind
{
    /// <summary>502 Bad Gateway, and the request is not acted on.</summary>
    ServerError,

    /// <summary>500 Internal Server Error, and the request is not acted on.</summary>
    InternalServerError,

    /// <summary>429 with Retry-After.</summary>
    TooManyRequests,

    /// <summary>403 "You have exceeded a secondary rate limit" with Retry-After.</summary>
    SecondaryRateLimit,

    /// <summary>403 with x-ratelimit-remaining: 0 and x-ratelimit-reset.</summary>
    PrimaryRateLimitExhausted,

    /// <summary>403 "Resource not accessible by integration": the token lacks a permission (a fork's read-only token); retrying does not help.</summary>
    ResourceNotAccessible,

    /// <summary>The request is acted on (a check run or review is stored), then the answer is 502 Bad Gateway.</summary>
    StoredThenBadGateway,

    /// <summary>The request is acted on, then the answer is 500 Internal Server Error.</summary>
    StoredThenInternalError,

    /// <summary>The request is acted on, then no answer comes until the client gives up (a timeout).</summary>
    StoredThenTimeout,

    /// <summary>The request is acted on, then the connection is dropped without an answer (a reset).</summary>
    StoredThenConnectionReset,
}

/// <summary>
/// The next <see cref="Count"/> requests matching method, path prefix and (when given) a piece of the body get the
/// fault instead of an answer, after the first <see cref="Skip"/> matching ones went through normally.
/// </summary>
public sealed record Fault(string? Method, string PathPrefix, FaultKind Kind, int Count, TimeSpan? RetryAfter = null, DateTimeOffset? ResetAt = null, int Skip = 0, string? BodyContains = null)
{
    /// <summary>Whether the request reaches its handler (and changes state) before the fault is answered.</summary>
    public bool Stores => Kind is FaultKind.StoredThenBadGateway or FaultKind.StoredThenInternalError or FaultKind.StoredThenTimeout or FaultKind.StoredThenConnectionReset;
}
