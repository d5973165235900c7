using System.Text.Json;
using Grader.GitHub.Outbox;

namespace Grader.Bot.Storage;

/// <summary>Visibility that changes after grading: published modules and each grading's results per visibility state.</summary>
public sealed partial class GraderStore
{
    /// <summary>Records that the instructor published the results of the rubric's module; false when they were already.</summary>
    public Task<bool> PublishModuleAsync(string rubricName, CancellationToken cancellationToken) =>
        WriteAsync(async (connection, transaction) =>
        {
            await using var insert = Command(connection, transaction,
                "INSERT INTO published_modules (rubric_name, published_at) VALUES (@name, @at) ON CONFLICT(rubric_name) DO NOTHING",
                ("@name", rubricName), ("@at", Now()));
            return await insert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1;
        }, cancellationToken);

    public async Task<bool> IsModulePublishedAsync(string rubricName, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = Command(connection, null, "SELECT 1 FROM published_modules WHERE rubric_name = @name", ("@name", rubricName));
        return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is not null;
    }

    /// <summary>
    /// The gradings whose published result may still change with visibility: for each pull request, its newest completed
    /// grading that posted a review and kept results per state (a learner's latest submission). Picked in SQL, so the
    /// results of older gradings, which the sweep would otherwise load every interval, are never read.
    /// </summary>
    public async Task<IReadOnlyList<(GradingJobRecord Job, VisibleResults Visible, string? ShownKey)>> GetVisibilityCandidatesAsync(string? rubricName, CancellationToken cancellationToken)
    {
        // Newest: the latest updated_at (UTC round-trip text: the text orders as the time); on a tie the later recorded
        // job (created_at), then the job key, so the choice never depends on where a row happens to sit in the table.
        var sql = $"""
            SELECT {JobColumns}, visible_results, shown_visibility FROM (
              SELECT job_key AS newest_key,
                ROW_NUMBER() OVER (PARTITION BY repository, pr_number ORDER BY updated_at DESC, created_at DESC, job_key DESC) AS newness
              FROM jobs
              WHERE state = 'Completed' AND post_review = 1 AND visible_results IS NOT NULL{(rubricName is null ? "" : " AND rubric_name = @name")}
            ) ranked
            JOIN jobs ON jobs.job_key = ranked.newest_key
            WHERE ranked.newness = 1
            ORDER BY jobs.repository, jobs.pr_number
            """;
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = rubricName is null
            ? Command(connection, null, sql)
            : Command(connection, null, sql, ("@name", rubricName));
        var candidates = new List<(GradingJobRecord Job, VisibleResults Visible, string? ShownKey)>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var columns = JobColumnCount;
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            var visible = JsonSerializer.Deserialize<VisibleResults>(reader.GetString(columns), BotJson.Options);
            if (visible is null) continue;
            candidates.Add((ReadJob(reader), visible, reader.IsDBNull(columns + 1) ? null : reader.GetString(columns + 1)));
        }

        return candidates;
    }

    /// <summary>
    /// Moves a grading's published result from state <paramref name="fromKey"/> to <paramref name="toKey"/> and puts the
    /// edit in the outbox, in one transaction; false when another refresh moved it first (nothing is enqueued twice).
    /// </summary>
    public Task<bool> RefreshVisibilityAsync(string jobKey, string? fromKey, string toKey, Publication edit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(edit);
        return WriteAsync(async (connection, transaction) =>
        {
            await using (var update = fromKey is null
                ? Command(connection, transaction, "UPDATE jobs SET shown_visibility = @to WHERE job_key = @key AND shown_visibility IS NULL", ("@key", jobKey), ("@to", toKey))
                : Command(connection, transaction, "UPDATE jobs SET shown_visibility = @to WHERE job_key = @key AND shown_visibility = @from", ("@key", jobKey), ("@from", fromKey), ("@to", toKey)))
            {
                if (await update.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) != 1) return false;
            }

            var payload = new OutboxResult(edit.Result!, PostReview: edit.Result!.ReviewBody is not null).Serialize();
            return await InsertOutboxAsync(connection, transaction, jobKey, edit.Kind, payload, edit.Key, cancellationToken).ConfigureAwait(false);
        }, cancellationToken);
    }
}
