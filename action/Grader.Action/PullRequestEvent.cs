using System.Text.Json;

namespace Grader.Action;

/// <summary>The pull request a workflow run is about, read from the event payload (GITHUB_EVENT_PATH).</summary>
public sealed record PullRequestEvent(string Owner, string Repository, int Number, string HeadSha)
{
    /// <summary>The pull request's author (the learner), when the payload names one.</summary>
    public string? AuthorLogin { get; init; }
    public long? AuthorId { get; init; }

    /// <summary>Events whose payload carries a pull request the action can review.</summary>
    public static readonly IReadOnlySet<string> ReviewableEvents = new HashSet<string>(StringComparer.Ordinal) { "pull_request", "pull_request_target" };

    /// <summary>The pull request of a pull_request event, or null (other events, or a payload without one).</summary>
    /// <exception cref="InvalidDataException">The payload is not valid JSON.</exception>
    public static PullRequestEvent? Read(string? eventName, string? eventPath)
    {
        if (eventName is null || !ReviewableEvents.Contains(eventName) || eventPath is null || !File.Exists(eventPath)) return null;
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(File.ReadAllBytes(eventPath));
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"The event payload {eventPath} is not valid JSON: {e.Message}", e);
        }
        using (document)
        {
            var root = document.RootElement;
            if (!root.TryGetProperty("pull_request", out var pr) || !root.TryGetProperty("repository", out var repo)) return null;
            var owner = repo.GetProperty("owner").GetProperty("login").GetString();
            var name = repo.GetProperty("name").GetString();
            var sha = pr.GetProperty("head").GetProperty("sha").GetString();
            var number = pr.GetProperty("number").GetInt32();
            var author = pr.TryGetProperty("user", out var user) && user.ValueKind == JsonValueKind.Object ? user : default;
            return owner is null || name is null || sha is null ? null : new PullRequestEvent(owner, name, number, sha)
            {
                AuthorLogin = author.ValueKind == JsonValueKind.Object && author.TryGetProperty("login", out var login) ? login.GetString() : null,
                AuthorId = author.ValueKind == JsonValueKind.Object && author.TryGetProperty("id", out var id) && id.TryGetInt64(out var n) ? n : null,
            };
        }
    }
}
