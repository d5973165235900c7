using System.Text.Json;
using Grader.GitHub.Publishing;

namespace Grader.Bot.Storage;

/// <summary>
/// A result's payload in the outbox table (the format since the first release): the check run result and whether its
/// review is posted too (false: a commit that is not the PR's head, or no review of record).
/// </summary>
public sealed record OutboxResult(PublishableResult Result, bool PostReview)
{
    /// <summary>The grading's unsigned evidence record, signed and stored once the check run and review are out (their URLs in it).</summary>
    public string? Evidence { get; init; }

    public string Serialize() => JsonSerializer.Serialize(this, BotJson.Options);

    public static OutboxResult Deserialize(string payload) =>
        JsonSerializer.Deserialize<OutboxResult>(payload, BotJson.Options) ?? throw new InvalidDataException("Empty outbox payload.");
}
