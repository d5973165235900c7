using System.Text.Json;

namespace Grader.Bot.Jobs;

/// <summary>Outcomes the bot writes itself, when no grading result exists.</summary>
public static class GradingOutcomes
{
    /// <summary>The job was superseded or its PR closed: the check run ends cancelled, no review.</summary>
    public static GradingOutcome Stopped(string reason) => new()
    {
        Conclusion = "cancelled",
        Title = "Grading stopped",
        Summary = $"Grading of this commit stopped: {reason}.",
        ReviewBody = "",
        ReviewEvent = "COMMENT",
    };

    /// <summary>The grader failed after its retries: never the learner's fault, never a score.</summary>
    public static GradingOutcome GraderError(string error, int attempts) => new()
    {
        Conclusion = "neutral",
        Title = "Grader error: not graded",
        Summary = $"The grader could not grade this commit after {attempts} attempt(s). This is not a problem with your submission; comment `/regrade` to try again or ask your instructor.",
        Text = error,
        ReviewBody = "",
        ReviewEvent = "COMMENT",
    };
}

/// <summary>An outbox payload: the outcome and whether a review goes with it.</summary>
public sealed record PublishableResult(GradingOutcome Outcome, bool PostReview)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public string Serialize() => JsonSerializer.Serialize(this, Json);

    public static PublishableResult Deserialize(string payload) =>
        JsonSerializer.Deserialize<PublishableResult>(payload, Json) ?? throw new InvalidDataException("Empty outbox payload.");
}
