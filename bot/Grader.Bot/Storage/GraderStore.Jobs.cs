using Microsoft.Data.Sqlite;

namespace Grader.Bot.Storage;

public sealed partial class GraderStore
{
    private const string JobColumns = "job_key, installation_id, repository, pr_number, head_sha, rubric_name, rubric_path, hidden_tests_path, queue, state, attempts, hangfire_id, check_run_id, error, worker_deaths, post_review";

    /// <summary>Columns added after the first release, added to an older database on start (SQLite has no ADD COLUMN IF NOT EXISTS).</summary>
    private static readonly (string Name, string Definition)[] AddedJobColumns =
    [
        ("worker_deaths", "INTEGER NOT NULL DEFAULT 0"),
        ("post_review", "INTEGER NOT NULL DEFAULT 1"),
    ];

    private static void MigrateJobs(SqliteConnection connection)
    {
        var existing = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        using (var columns = connection.CreateCommand())
        {
            columns.CommandText = "SELECT name FROM pragma_table_info('jobs')";
            using var reader = columns.ExecuteReader();
            while (reader.Read())
            {
                existing.Add(reader.GetString(0));
            }
        }

        foreach (var (name, definition) in AddedJobColumns.Where(c => !existing.Contains(c.Name)))
        {
            using var alter = connection.CreateCommand();
            alter.CommandText = $"ALTER TABLE jobs ADD COLUMN {name} {definition}";
            alter.ExecuteNonQuery();
        }
    }

    /// <summary>
    /// Records a job for a head SHA and, when <paramref name="supersedeOthers"/> (the SHA is the PR's head), supersedes
    /// the PR's other queued or running jobs, in one transaction. A job that already exists for the SHA is put back to
    /// queued only when <paramref name="regrade"/> is set and it has finished; its attempt and worker death counts
    /// start again. Returns whether the job is (again) queued and the keys it superseded.
    /// </summary>
    public Task<JobScheduleOutcome> ScheduleJobAsync(GradingJobRecord job, bool regrade, bool supersedeOthers, CancellationToken cancellationToken) =>
        WriteAsync(async (connection, transaction) =>
        {
            var superseded = new List<GradingJobRecord>();
            if (supersedeOthers)
            {
                await using var select = Command(connection, transaction,
                $"SELECT {JobColumns} FROM jobs WHERE repository = $repo AND pr_number = $pr AND head_sha <> $sha AND state IN ('Queued', 'Running')",
                ("$repo", job.PullRequest.Repository), ("$pr", job.PullRequest.Number), ("$sha", job.HeadSha));
                superseded.AddRange(await ReadJobsAsync(select, cancellationToken).ConfigureAwait(false));
            }

            foreach (var old in superseded)
            {
                await using var update = Command(connection, transaction,
                    "UPDATE jobs SET state = 'Superseded', updated_at = $at WHERE job_key = $key",
                    ("$key", old.JobKey), ("$at", Now()));
                await update.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }

            await using var insert = Command(connection, transaction,
                """
                INSERT INTO jobs (job_key, installation_id, repository, pr_number, head_sha, rubric_name, rubric_path, hidden_tests_path, queue, state, created_at, updated_at, post_review)
                VALUES ($key, $inst, $repo, $pr, $sha, $rubric, $rubricPath, $hidden, $queue, 'Queued', $at, $at, $review)
                ON CONFLICT(job_key) DO UPDATE SET state = 'Queued', attempts = 0, worker_deaths = 0, error = NULL, updated_at = $at, installation_id = $inst, post_review = $review
                WHERE $regrade = 1 AND jobs.state NOT IN ('Queued', 'Running')
                """,
                ("$key", job.JobKey), ("$inst", job.PullRequest.InstallationId), ("$repo", job.PullRequest.Repository), ("$pr", job.PullRequest.Number),
                ("$sha", job.HeadSha), ("$rubric", job.RubricName), ("$rubricPath", job.RubricPath), ("$hidden", job.HiddenTestsPath),
                ("$queue", job.Queue), ("$at", Now()), ("$regrade", regrade ? 1 : 0), ("$review", job.PostsReview ? 1 : 0));
            var queued = await insert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1;
            return new JobScheduleOutcome(queued, superseded);
        }, cancellationToken);

    /// <summary>Cancels the PR's queued and running jobs (PR closed); returns them.</summary>
    public Task<IReadOnlyList<GradingJobRecord>> CancelPullRequestJobsAsync(string repository, int number, CancellationToken cancellationToken) =>
        WriteAsync<IReadOnlyList<GradingJobRecord>>(async (connection, transaction) =>
        {
            List<GradingJobRecord> jobs;
            await using (var select = Command(connection, transaction,
                $"SELECT {JobColumns} FROM jobs WHERE repository = $repo AND pr_number = $pr AND state IN ('Queued', 'Running')",
                ("$repo", repository), ("$pr", number)))
            {
                jobs = await ReadJobsAsync(select, cancellationToken).ConfigureAwait(false);
            }

            await using var update = Command(connection, transaction,
                "UPDATE jobs SET state = 'Cancelled', updated_at = $at WHERE repository = $repo AND pr_number = $pr AND state IN ('Queued', 'Running')",
                ("$repo", repository), ("$pr", number), ("$at", Now()));
            await update.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            return jobs;
        }, cancellationToken);

    public async Task<GradingJobRecord?> GetJobAsync(string jobKey, CancellationToken cancellationToken)
    {
        await using var connection = Open();
        await using var command = Command(connection, null, $"SELECT {JobColumns} FROM jobs WHERE job_key = $key", ("$key", jobKey));
        var rows = await ReadJobsAsync(command, cancellationToken).ConfigureAwait(false);
        return rows.Count == 0 ? null : rows[0];
    }

    /// <summary>Jobs accepted but not finished: what a restart puts back into Hangfire.</summary>
    public async Task<IReadOnlyList<GradingJobRecord>> GetUnfinishedJobsAsync(CancellationToken cancellationToken)
    {
        await using var connection = Open();
        await using var command = Command(connection, null, $"SELECT {JobColumns} FROM jobs WHERE state IN ('Queued', 'Running') ORDER BY created_at");
        return await ReadJobsAsync(command, cancellationToken).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<GradingJobRecord>> GetPullRequestJobsAsync(string repository, int number, CancellationToken cancellationToken)
    {
        await using var connection = Open();
        await using var command = Command(connection, null, $"SELECT {JobColumns} FROM jobs WHERE repository = $repo AND pr_number = $pr ORDER BY created_at",
            ("$repo", repository), ("$pr", number));
        return await ReadJobsAsync(command, cancellationToken).ConfigureAwait(false);
    }

    public Task SetHangfireJobIdAsync(string jobKey, string hangfireJobId, CancellationToken cancellationToken) =>
        UpdateJobAsync("UPDATE jobs SET hangfire_id = $value, updated_at = $at WHERE job_key = $key", jobKey, hangfireJobId, cancellationToken);

    public Task SetCheckRunIdAsync(string jobKey, long checkRunId, CancellationToken cancellationToken) =>
        UpdateJobAsync("UPDATE jobs SET check_run_id = $value, updated_at = $at WHERE job_key = $key", jobKey, checkRunId, cancellationToken);

    /// <summary>
    /// Moves a queued (or interrupted running) job to running and counts the attempt, committed before any grading
    /// starts, so an attempt that kills the process still counts. Returns the job as started (its attempt number in
    /// <see cref="GradingJobRecord.Attempts"/>), or null when it was superseded or cancelled meanwhile.
    /// </summary>
    public Task<GradingJobRecord?> TryStartJobAsync(string jobKey, CancellationToken cancellationToken) =>
        WriteAsync(async (connection, transaction) =>
        {
            await using (var update = Command(connection, transaction,
                "UPDATE jobs SET state = 'Running', attempts = attempts + 1, updated_at = $at WHERE job_key = $key AND state IN ('Queued', 'Running')",
                ("$key", jobKey), ("$at", Now())))
            {
                if (await update.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) != 1)
                {
                    return null;
                }
            }

            await using var select = Command(connection, transaction, $"SELECT {JobColumns} FROM jobs WHERE job_key = $key", ("$key", jobKey));
            return (await ReadJobsAsync(select, cancellationToken).ConfigureAwait(false)).SingleOrDefault();
        }, cancellationToken);

    /// <summary>Counts a death of the job's grading worker; returns the deaths so far.</summary>
    public Task<int> RecordWorkerDeathAsync(string jobKey, CancellationToken cancellationToken) =>
        WriteAsync(async (connection, transaction) =>
        {
            await using var command = Command(connection, transaction,
                "UPDATE jobs SET worker_deaths = worker_deaths + 1, updated_at = $at WHERE job_key = $key RETURNING worker_deaths",
                ("$key", jobKey), ("$at", Now()));
            var deaths = await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
            return deaths is null ? 0 : Convert.ToInt32(deaths, System.Globalization.CultureInfo.InvariantCulture);
        }, cancellationToken);

    /// <summary>Ends a running job; the state only moves from running, so a supersession that raced it wins.</summary>
    public Task FinishJobAsync(string jobKey, JobState state, string? error, CancellationToken cancellationToken) =>
        WriteAsync(async (connection, transaction) =>
        {
            await using var command = Command(connection, transaction,
                "UPDATE jobs SET state = $state, error = $error, updated_at = $at WHERE job_key = $key AND state = 'Running'",
                ("$key", jobKey), ("$state", state.ToString()), ("$error", error), ("$at", Now()));
            return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }, cancellationToken);

    /// <summary>Completes a running job and queues its result for publication in the same transaction.</summary>
    public Task<bool> CompleteJobWithResultAsync(string jobKey, string resultPayload, CancellationToken cancellationToken) =>
        WriteAsync(async (connection, transaction) =>
        {
            await using var update = Command(connection, transaction,
                "UPDATE jobs SET state = 'Completed', error = NULL, updated_at = $at WHERE job_key = $key AND state = 'Running'",
                ("$key", jobKey), ("$at", Now()));
            if (await update.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) != 1)
            {
                return false;
            }

            await using var insert = Command(connection, transaction,
                "INSERT INTO outbox (job_key, kind, payload, next_attempt_at) VALUES ($key, $kind, $payload, $at)",
                ("$key", jobKey), ("$kind", nameof(OutboxKind.Result)), ("$payload", resultPayload), ("$at", Now()));
            await insert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            return true;
        }, cancellationToken);

    private Task UpdateJobAsync(string sql, string jobKey, object value, CancellationToken cancellationToken) =>
        WriteAsync(async (connection, transaction) =>
        {
            await using var command = Command(connection, transaction, sql, ("$key", jobKey), ("$value", value), ("$at", Now()));
            return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }, cancellationToken);

    private static async Task<List<GradingJobRecord>> ReadJobsAsync(SqliteCommand command, CancellationToken cancellationToken)
    {
        var rows = new List<GradingJobRecord>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            rows.Add(new GradingJobRecord
            {
                JobKey = reader.GetString(0),
                PullRequest = new PullRequestRef(reader.GetInt64(1), reader.GetString(2), reader.GetInt32(3)),
                HeadSha = reader.GetString(4),
                RubricName = reader.GetString(5),
                RubricPath = reader.GetString(6),
                HiddenTestsPath = reader.IsDBNull(7) ? null : reader.GetString(7),
                Queue = reader.GetString(8),
                State = Enum.Parse<JobState>(reader.GetString(9)),
                Attempts = reader.GetInt32(10),
                HangfireJobId = reader.IsDBNull(11) ? null : reader.GetString(11),
                CheckRunId = reader.IsDBNull(12) ? null : reader.GetInt64(12),
                Error = reader.IsDBNull(13) ? null : reader.GetString(13),
                WorkerDeaths = reader.GetInt32(14),
                PostsReview = reader.GetInt64(15) != 0,
            });
        }

        return rows;
    }
}

/// <summary>What scheduling a job did: whether it is queued now, and which older jobs of the PR it superseded.</summary>
public sealed record JobScheduleOutcome(bool Queued, IReadOnlyList<GradingJobRecord> Superseded);
