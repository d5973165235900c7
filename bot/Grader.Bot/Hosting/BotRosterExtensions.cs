using Grader.Bot.Jobs;
using Grader.Rubrics.Model;

namespace Grader.Bot.Hosting;

/// <summary>The roster's extensions, read from the bot's evidence store; none when the bot keeps no evidence.</summary>
public sealed class BotRosterExtensions(BotEvidenceStore evidence) : IRosterExtensions
{
    public async Task<DeadlineExtension?> ForAsync(string login, string moduleId, CancellationToken cancellationToken)
    {
        if (!evidence.Enabled)
        {
            return null;
        }

        var database = await evidence.GetAsync(cancellationToken).ConfigureAwait(false);
        return await database.Roster.ExtensionForAsync(login, moduleId, cancellationToken).ConfigureAwait(false);
    }
}
