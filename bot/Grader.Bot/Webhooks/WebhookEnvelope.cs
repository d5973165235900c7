using System.Text.Json;
using System.Text.Json.Serialization;

namespace Grader.Bot.Webhooks;

/// <summary>
/// The few fields of a delivery the bot acts on, read with System.Text.Json from the raw body. The raw
/// body is what is persisted; this is parsed again from it after a restart.
/// </summary>
public sealed record WebhookEnvelope
{
    [JsonPropertyName("action")] public string? Action { get; init; }
    [JsonPropertyName("installation")] public InstallationRef? Installation { get; init; }
    [JsonPropertyName("repository")] public RepositoryRef? Repository { get; init; }
    [JsonPropertyName("sender")] public UserRef? Sender { get; init; }
    [JsonPropertyName("pull_request")] public PullRequestPayload? PullRequest { get; init; }
    [JsonPropertyName("issue")] public IssuePayload? Issue { get; init; }
    [JsonPropertyName("comment")] public CommentPayload? Comment { get; init; }
    [JsonPropertyName("check_run")] public CheckRunPayload? CheckRun { get; init; }
    [JsonPropertyName("repositories")] public IReadOnlyList<RepositoryRef>? Repositories { get; init; }
    [JsonPropertyName("repositories_added")] public IReadOnlyList<RepositoryRef>? RepositoriesAdded { get; init; }
    [JsonPropertyName("repositories_removed")] public IReadOnlyList<RepositoryRef>? RepositoriesRemoved { get; init; }

    private static readonly JsonSerializerOptions Options = new() { RespectNullableAnnotations = true, RespectRequiredConstructorParameters = true };

    /// <summary>Parses a body; <see cref="MalformedWebhookException"/> when it is not a JSON object.</summary>
    public static WebhookEnvelope Parse(string body)
    {
        try
        {
            return JsonSerializer.Deserialize<WebhookEnvelope>(body, Options)
                ?? throw new MalformedWebhookException("The body is JSON null.");
        }
        catch (JsonException ex)
        {
            throw new MalformedWebhookException($"The body is not a webhook JSON object: {ex.Message}", ex);
        }
    }
}

public sealed record InstallationRef([property: JsonPropertyName("id")] long Id);

public sealed record RepositoryRef(
    [property: JsonPropertyName("full_name")] string FullName,
    [property: JsonPropertyName("default_branch")] string? DefaultBranch = null);

public sealed record UserRef(
    [property: JsonPropertyName("login")] string Login,
    [property: JsonPropertyName("type")] string? Type = null);

public sealed record PullRequestPayload(
    [property: JsonPropertyName("number")] int Number,
    [property: JsonPropertyName("head")] GitRef Head,
    [property: JsonPropertyName("state")] string? State = null,
    [property: JsonPropertyName("draft")] bool Draft = false,
    [property: JsonPropertyName("user")] UserRef? User = null,
    [property: JsonPropertyName("updated_at")] DateTimeOffset? UpdatedAt = null);

public sealed record GitRef(
    [property: JsonPropertyName("sha")] string Sha,
    [property: JsonPropertyName("ref")] string? Ref = null);

public sealed record IssuePayload(
    [property: JsonPropertyName("number")] int Number,
    [property: JsonPropertyName("user")] UserRef? User = null,
    [property: JsonPropertyName("pull_request")] JsonElement? PullRequest = null)
{
    /// <summary>Issue comments on PRs carry a <c>pull_request</c> object on the issue.</summary>
    public bool IsPullRequest => PullRequest is { ValueKind: JsonValueKind.Object };
}

public sealed record CommentPayload(
    [property: JsonPropertyName("body")] string? Body = null,
    [property: JsonPropertyName("user")] UserRef? User = null);

public sealed record CheckRunPayload(
    [property: JsonPropertyName("head_sha")] string HeadSha,
    [property: JsonPropertyName("pull_requests")] IReadOnlyList<CheckRunPullRequest>? PullRequests = null);

public sealed record CheckRunPullRequest([property: JsonPropertyName("number")] int Number);

/// <summary>A delivery that cannot be understood: answered 400, never a crash.</summary>
public sealed class MalformedWebhookException : Exception
{
    public MalformedWebhookException(string message) : base(message) { }
    public MalformedWebhookException(string message, Exception innerException) : base(message, innerException) { }
    public MalformedWebhookException() { }
}
