namespace Grader.Bot.Jobs;

/// <summary>
/// Where gradings become signed competency evidence. The grading worker makes the unsigned record of its run; the bot
/// signs and stores it here, with the check run and review it was published as. Recording never changes the learner's
/// result, and a record id is stored once however often a retried step offers it.
/// </summary>
public interface IGradingEvidence
{
    Task RecordAsync(string jobKey, string recordJson, string? checkRunUrl, string? reviewUrl, CancellationToken cancellationToken);
}
