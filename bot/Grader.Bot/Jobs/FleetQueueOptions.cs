using Grader.Bot.Configuration;
using Hangfire.PostgreSql;

namespace Grader.Bot.Jobs;

/// <summary>How the fleet's Hangfire queues live in PostgreSQL (the bot's database, schema <c>hangfire</c>).</summary>
public static class FleetQueueOptions
{
    /// <summary>The storage options every bot and runner process uses; the dispatch benchmark's baseline uses them too.</summary>
    public static PostgreSqlStorageOptions For(BotOptions settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        return new PostgreSqlStorageOptions
        {
            SchemaName = "hangfire",
            PrepareSchemaIfNecessary = true,
            // A runner keeps extending the invisibility of the job it holds while it lives, so a grading longer
            // than the timeout never runs twice; a dead runner's job reappears one timeout after its last beat.
            UseSlidingInvisibilityTimeout = true,
            InvisibilityTimeout = settings.JobVisibilityTimeout,
            // Idle workers poll. Long polling stays off: each fetch starts a LISTEN task and waits for its cancellation,
            // and a cancellation Npgsql loses (npgsql/npgsql#5975) leaves the worker waiting for ever with the job it had
            // just fetched kept invisible by the sliding timeout (seen in the dispatch benchmark: one job of ~2,400
            // stuck "Enqueued"). An enqueue in the same process still wakes a waiting worker at once.
            QueuePollInterval = settings.QueuePollInterval,
            EnableLongPolling = false,
        };
    }
}
