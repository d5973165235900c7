using Grader.GitHub.Outbox;
using System.Data.Common;

namespace Grader.Bot.Storage;

public sealed partial class GraderStore
{
    private const string JobColumns = "job_key, installation_id, repository, pr_number, head_sha, rubric_name, rubric_path, hidden_tests_path, queue, state, attempts, hangfire_id, check_run_id, error, worker_deaths, post_review, runs, submitted_at, learner, base_sha, deferred_until, limit_exempt, extension";

    /// <summary>
    /// Records a job for a head SHA and, when <paramref name="supersedeOthers"/> (the SHA is the PR's head), supersedes
    /// the PR's other queued or running jobs, in one transaction. A job that already exists for the SHA is put back to
    /// queued only when <paramref name="regrade"/> is set and it has finished, or when the submission limit deferred it
    /// and the time it was deferred to has come; its attempt and worker death counts
    /// start again and it begins a new run. A job queued here has its queued check run in the outbox in the same
    /// transaction. Returns whether the job is (again) queued and the keys it superseded.
    /// </summary>
    /// <param name="notGraded">
    /// The job is recorded and completed at once with this result, in the same transaction (a push after the hard close,
    /// or over the submission limit until <see cref="NotGraded.DeferredUntil"/>): a crash in between can never leave it
    /// queued for a restart to grade.
    /// </param>
    public Task<JobScheduleOutcome> ScheduleJobAsync(GradingJobRecord job, bool regrade, bool supersedeOthers, CancellationToken cancellationToken, NotGraded? notGraded = null) =>
        WriteAsync(async (connection, transaction) =>
        {
            var superseded = new List<GradingJobRecord>();
            if (supersedeOthers)
            {
                // One statement that returns the jobs as it leaves them: a job a runner started meanwhile comes back with
                // the Hangfire job that claimed it, so its grading is stopped there.
                await using var update = Command(connection, transaction,
                    $"UPDATE jobs SET state = 'Superseded', updated_at = @at WHERE repository = @repo AND pr_number = @pr AND head_sha <> @sha AND state IN ('Queued', 'Running') RETURNING {JobColumns}",
                    ("@repo", job.PullRequest.Repository), ("@pr", job.PullRequest.Number), ("@sha", job.HeadSha), ("@at", Now()));
                superseded.AddRange(await ReadJobsAsync(update, cancellationToken).ConfigureAwait(false));
            }

            if (job.SubmittedAt is { } submittedAt)
            {
                // The earliest time GitHub recorded for the commit counts, whichever delivery brought it (a redelivery,
                // a later label or comment never makes the submission later).
                await using var earliest = Command(connection, transaction,
                    "UPDATE jobs SET submitted_at = @submitted WHERE job_key = @key AND (submitted_at IS NULL OR submitted_at > @submitted)",
                    ("@key", job.JobKey), ("@submitted", Stamp(submittedAt)));
                await earliest.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }

            object? run;
            await using (var insert = Command(connection, transaction,
                """
                INSERT INTO jobs (job_key, installation_id, repository, pr_number, head_sha, rubric_name, rubric_path, hidden_tests_path, queue, state, created_at, updated_at, post_review, submitted_at, learner, base_sha, limit_exempt, extension)
                VALUES (@key, @inst, @repo, @pr, @sha, @rubric, @rubricPath, @hidden, @queue, 'Queued', @at, @at, @review, @submitted, @learner, @base, @exempt, @extension)
                ON CONFLICT(job_key) DO UPDATE SET state = 'Queued', attempts = 0, worker_deaths = 0, error = NULL, updated_at = @at, hangfire_id = NULL, installation_id = @inst, post_review = @review, runs = jobs.runs + 1,
                  learner = COALESCE(@learner, jobs.learner), base_sha = COALESCE(@base, jobs.base_sha), deferred_until = NULL, limit_exempt = @exempt, extension = @extension
                WHERE (@regrade = 1 OR (jobs.deferred_until IS NOT NULL AND jobs.deferred_until <= @at)) AND jobs.state NOT IN ('Queued', 'Running')
                RETURNING runs
                """,
                ("@key", job.JobKey), ("@inst", job.PullRequest.InstallationId), ("@repo", job.PullRequest.Repository), ("@pr", job.PullRequest.Number),
                ("@sha", job.HeadSha), ("@rubric", job.RubricName), ("@rubricPath", job.RubricPath), ("@hidden", job.HiddenTestsPath),
                ("@queue", job.Queue), ("@at", Now()), ("@regrade", regrade ? 1 : 0), ("@review", job.PostsReview ? 1 : 0),
                ("@submitted", job.SubmittedAt is { } at ? Stamp(at) : null), ("@learner", job.Learner), ("@base", job.BaseSha),
                ("@exempt", job.LimitExempt ? 1 : 0), ("@extension", job.Extension?.ToString())))
            {
                run = await insert.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
            }

            if (run is null)
            {
                return new JobScheduleOutcome(false, superseded);
            }

            var queued = job with { Run = Convert.ToInt32(run, System.Globalization.CultureInfo.InvariantCulture) };
            await InsertOutboxAsync(connection, transaction, queued.JobKey, PublicationKind.QueuedCheckRun, QueuedPayload,
                queued.PublicationKey(PublicationKind.QueuedCheckRun), cancellationToken).ConfigureAwait(false);
            if (notGraded is not null)
            {
                await CompleteInAsync(connection, transaction, job.JobKey, JobState.Queued, notGraded.Result, null, false, notGraded.DeferredUntil, cancellationToken).ConfigureAwait(false);
            }

            return new JobScheduleOutcome(true, superseded);
        }, cancellationToken);

    /// <summary>Cancels the PR's queued and running jobs (PR closed); returns them.</summary>
    public Task<IReadOnlyList<GradingJobRecord>> CancelPullRequestJobsAsync(string repository, int number, CancellationToken cancellationToken) =>
        WriteAsync<IReadOnlyList<GradingJobRecord>>(async (connection, transaction) =>
        {
            // The jobs as the statement leaves them (a job started meanwhile with the Hangfire job that claimed it).
            await using var update = Command(connection, transaction,
                $"UPDATE jobs SET state = 'Cancelled', updated_at = @at WHERE repository = @repo AND pr_number = @pr AND state IN ('Queued', 'Running') RETURNING {JobColumns}",
                ("@repo", repository), ("@pr", number), ("@at", Now()));
            return await ReadJobsAsync(update, cancellationToken).ConfigureAwait(false);
        }, cancellationToken);

    public async Task<GradingJobRecord?> GetJobAsync(string jobKey, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = Command(connection, null, $"SELECT {JobColumns} FROM jobs WHERE job_key = @key", ("@key", jobKey));
        var rows = await ReadJobsAsync(command, cancellationToken).ConfigureAwait(false);
        return rows.Count == 0 ? null : rows[0];
    }

    /// <summary>Jobs accepted but not finished: what a restart puts back into Hangfire.</summary>
    public async Task<IReadOnlyList<GradingJobRecord>> GetUnfinishedJobsAsync(CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = Command(connection, null, $"SELECT {JobColumns} FROM jobs WHERE state IN ('Queued', 'Running') ORDER BY created_at");
        return await ReadJobsAsync(command, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Deferred jobs whose release has not happened yet: the newest job of their pull request, still deferred (a
    /// release queues it again or defers it anew; an older deferred push was superseded by a newer one).
    /// </summary>
    public async Task<IReadOnlyList<GradingJobRecord>> GetPendingDeferralsAsync(CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = Command(connection, null,
            $"""
            SELECT {JobColumns} FROM jobs j WHERE j.deferred_until IS NOT NULL AND j.state = 'Completed'
            AND NOT EXISTS (SELECT 1 FROM jobs o WHERE o.repository = j.repository AND o.pr_number = j.pr_number AND o.created_at > j.created_at)
            """);
        return await ReadJobsAsync(command, cancellationToken).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<GradingJobRecord>> GetPullRequestJobsAsync(string repository, int number, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = Command(connection, null, $"SELECT {JobColumns} FROM jobs WHERE repository = @repo AND pr_number = @pr ORDER BY created_at",
            ("@repo", repository), ("@pr", number));
        return await ReadJobsAsync(command, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Records the Hangfire job of a deferral's release (<see cref="GradingJobRecord.HangfireJobId"/> of a deferred job).</summary>
    public Task SetHangfireJobIdAsync(string jobKey, string hangfireJobId, CancellationToken cancellationToken) =>
        UpdateJobAsync("UPDATE jobs SET hangfire_id = @value, updated_at = @at WHERE job_key = @key", jobKey, hangfireJobId, cancellationToken);

    /// <summary>
    /// Hands an unfinished job to another Hangfire job (reconciliation after the one it had was lost), only if it still
    /// has the one the caller saw (<paramref name="expected"/>, null for a queued job none has claimed): false when
    /// another took it meanwhile, and the caller's Hangfire job must not run it.
    /// </summary>
    public async Task<bool> ReassignHangfireJobAsync(string jobKey, string? expected, string hangfireJobId, CancellationToken cancellationToken) =>
        await WriteStatementAsync(
            """
            UPDATE jobs SET hangfire_id = @value, updated_at = @at
            WHERE job_key = @key AND state IN ('Queued', 'Running') AND (hangfire_id = @expected OR (hangfire_id IS NULL AND CAST(@expected AS TEXT) IS NULL))
            """,
            cancellationToken, ("@key", jobKey), ("@value", hangfireJobId), ("@expected", expected), ("@at", Now())).ConfigureAwait(false) == 1;

    public Task SetCheckRunIdAsync(string jobKey, long checkRunId, CancellationToken cancellationToken) =>
        UpdateJobAsync("UPDATE jobs SET check_run_id = @value, updated_at = @at WHERE job_key = @key", jobKey, checkRunId, cancellationToken);

    /// <summary>
    /// Moves a queued (or interrupted running) job to running and counts the attempt, committed before any grading
    /// starts, so an attempt that kills the process still counts. Returns the job as started (its attempt number in
    /// <see cref="GradingJobRecord.Attempts"/>), or null when it was superseded or cancelled meanwhile, or is a running
    /// job past its attempt limits.
    /// </summary>
    /// <param name="runnerId">The runner taking it, shown in the fleet registry (<c>grader-server runners</c>).</param>
    /// <param name="maxAttempts">An interrupted running job that has started this many attempts is not started again (null returned).</param>
    /// <param name="maxWorkerDeaths">Nor one whose grading worker died this many times.</param>
    /// <param name="hangfireJobId">
    /// The Hangfire job starting it. The first to start a job claims it (scheduling records none, which saves the
    /// dispatch a write); from then on only that Hangfire job (re-queued after its runner died) or one reconciliation
    /// handed the job to starts it, so a stray duplicate never grades a job beside its owner.
    /// </param>
    public Task<GradingJobRecord?> TryStartJobAsync(string jobKey, CancellationToken cancellationToken, string? runnerId = null,
        int maxAttempts = int.MaxValue, int maxWorkerDeaths = int.MaxValue, string? hangfireJobId = null) =>
        WriteAsync(async (connection, transaction) =>
        {
            // One statement, nothing read before it: the job as started, and whether its module's results are published
            // (what the learner sees).
            await using var update = Command(connection, transaction,
                $"""
                UPDATE jobs SET state = 'Running', attempts = attempts + 1, runner_id = @runner, updated_at = @at, hangfire_id = COALESCE(@hangfire, hangfire_id)
                WHERE job_key = @key AND (state = 'Queued' OR (state = 'Running' AND attempts < @maxAttempts AND worker_deaths < @maxDeaths))
                  AND (CAST(@hangfire AS TEXT) IS NULL OR hangfire_id IS NULL OR hangfire_id = @hangfire)
                RETURNING {JobColumns}, (SELECT COUNT(*) FROM published_modules p WHERE p.rubric_name = jobs.rubric_name)
                """,
                ("@key", jobKey), ("@at", Now()), ("@runner", runnerId), ("@maxAttempts", maxAttempts), ("@maxDeaths", maxWorkerDeaths), ("@hangfire", hangfireJobId));
            await using var reader = await update.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                return null;
            }

            var started = ReadJob(reader) with { ModulePublished = Convert.ToInt64(reader.GetValue(JobColumnCount), System.Globalization.CultureInfo.InvariantCulture) > 0 };
            await reader.DisposeAsync().ConfigureAwait(false);
            if (started is { Learner: { } learner, LimitExempt: false })
            {
                // The run's token for the submission limit, taken when its first attempt starts (a retry takes none).
                await using var token = Command(connection, transaction,
                    "INSERT INTO gradings (job_key, run, learner, rubric_name, started_at) VALUES (@key, @run, @learner, @rubric, @at) ON CONFLICT (job_key, run) DO NOTHING",
                    ("@key", jobKey), ("@run", started.Run), ("@learner", learner.ToLowerInvariant()), ("@rubric", started.RubricName), ("@at", Now()));
                await token.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }

            return started;
        }, cancellationToken);

    private static readonly int JobColumnCount = JobColumns.Split(',').Length;

    /// <summary>Counts a death of the job's grading worker; returns the deaths so far.</summary>
    public Task<int> RecordWorkerDeathAsync(string jobKey, CancellationToken cancellationToken) =>
        WriteAsync(async (connection, transaction) =>
        {
            await using var command = Command(connection, transaction,
                "UPDATE jobs SET worker_deaths = worker_deaths + 1, updated_at = @at WHERE job_key = @key RETURNING worker_deaths",
                ("@key", jobKey), ("@at", Now()));
            var deaths = await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
            return deaths is null ? 0 : Convert.ToInt32(deaths, System.Globalization.CultureInfo.InvariantCulture);
        }, cancellationToken);

    /// <summary>Ends a running job; the state only moves from running, so a supersession that raced it wins.</summary>
    public Task FinishJobAsync(string jobKey, JobState state, string? error, CancellationToken cancellationToken) =>
        WriteAsync(async (connection, transaction) =>
        {
            await using var command = Command(connection, transaction,
                "UPDATE jobs SET state = @state, error = @error, updated_at = @at WHERE job_key = @key AND state = 'Running'",
                ("@key", jobKey), ("@state", state.ToString()), ("@error", error), ("@at", Now()));
            return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }, cancellationToken);

    /// <summary>Completes a running job and puts its result in the outbox in the same transaction.</summary>
    /// <param name="visible">The result per visibility state, kept for editing what was posted when visibility changes.</param>
    public Task<bool> CompleteJobWithResultAsync(string jobKey, OutboxResult result, CancellationToken cancellationToken, VisibleResults? visible = null) =>
        CompleteAsync(jobKey, JobState.Running, result, cancellationToken, visible);

    /// <summary>
    /// Completes a running job that ended in a grader error, as <see cref="CompleteJobWithResultAsync"/>, and gives its
    /// run's submission-limit token back: infrastructure failures are never the learner's fault.
    /// </summary>
    public Task<bool> CompleteJobWithGraderErrorAsync(string jobKey, OutboxResult result, CancellationToken cancellationToken) =>
        CompleteAsync(jobKey, JobState.Running, result, cancellationToken, refund: true);

    private Task<bool> CompleteAsync(string jobKey, JobState from, OutboxResult result, CancellationToken cancellationToken,
        VisibleResults? visible = null, bool refund = false) =>
        WriteAsync((connection, transaction) => CompleteInAsync(connection, transaction, jobKey, from, result, visible, refund, null, cancellationToken), cancellationToken);

    /// <summary>Completes a job in <paramref name="from"/> with its result in the outbox, within a caller's transaction; false when it is not in that state.</summary>
    private async Task<bool> CompleteInAsync(DbConnection connection, DbTransaction transaction, string jobKey, JobState from, OutboxResult result,
        VisibleResults? visible, bool refund, DateTimeOffset? deferredUntil, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(result);
        GradingJobRecord? completed;
        await using (var update = Command(connection, transaction,
            $"UPDATE jobs SET state = 'Completed', error = NULL, updated_at = @at, deferred_until = @deferred WHERE job_key = @key AND state = @from RETURNING {JobColumns}",
            ("@key", jobKey), ("@at", Now()), ("@from", from.ToString()), ("@deferred", deferredUntil is { } until ? Stamp(until) : null)))
        {
            completed = (await ReadJobsAsync(update, cancellationToken).ConfigureAwait(false)).SingleOrDefault();
        }

        if (completed is null)
        {
            return false;
        }

        if (visible is not null)
        {
            await using var keep = Command(connection, transaction,
                "UPDATE jobs SET visible_results = @visible, shown_visibility = @shown WHERE job_key = @key",
                ("@key", jobKey), ("@visible", System.Text.Json.JsonSerializer.Serialize(visible, BotJson.Options)), ("@shown", visible.ShownKey));
            await keep.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        if (refund)
        {
            await using var token = Command(connection, transaction,
                "UPDATE gradings SET refunded = 1 WHERE job_key = @key AND run = @run", ("@key", jobKey), ("@run", completed.Run));
            await token.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        // Stored as given: a commit that is not the head keeps its review body unposted (PostReview false).
        await InsertOutboxAsync(connection, transaction, jobKey, PublicationKind.Result, result.Serialize(),
            completed.PublicationKey(PublicationKind.Result), cancellationToken).ConfigureAwait(false);
        return true;
    }

    private Task UpdateJobAsync(string sql, string jobKey, object value, CancellationToken cancellationToken) =>
        WriteStatementAsync(sql, cancellationToken, ("@key", jobKey), ("@value", value), ("@at", Now()));

    private static async Task<List<GradingJobRecord>> ReadJobsAsync(DbCommand command, CancellationToken cancellationToken)
    {
        var rows = new List<GradingJobRecord>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            rows.Add(ReadJob(reader));
        }

        return rows;
    }

    /// <summary>The job of the current row, whose first columns are <see cref="JobColumns"/>.</summary>
    private static GradingJobRecord ReadJob(DbDataReader reader) =>
        new GradingJobRecord
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
            Run = reader.GetInt32(16),
            SubmittedAt = reader.IsDBNull(17) ? null : DateTimeOffset.Parse(reader.GetString(17), System.Globalization.CultureInfo.InvariantCulture),
            Learner = reader.IsDBNull(18) ? null : reader.GetString(18),
            BaseSha = reader.IsDBNull(19) ? null : reader.GetString(19),
            DeferredUntil = reader.IsDBNull(20) ? null : DateTimeOffset.Parse(reader.GetString(20), System.Globalization.CultureInfo.InvariantCulture),
            LimitExempt = Convert.ToInt64(reader.GetValue(21), System.Globalization.CultureInfo.InvariantCulture) != 0,
            Extension = reader.IsDBNull(22) ? null : Extension(reader.GetString(22)),
        };

    // The column holds DeadlineExtension.ToString(); one that does not read back counts as none rather than failing the job.
    private static Grader.Rubrics.Model.DeadlineExtension? Extension(string text) =>
        Grader.Rubrics.Model.DeadlineExtension.TryParse(text, out var extension) ? extension : null;
}

/// <summary>
/// When a learner's next grading of a module is possible under its submission limit (a token bucket: each grading
/// that started takes a token, each token comes back <see cref="Grader.Bot.Configuration.SubmissionLimit.Per"/> after
/// it was taken, a grader error gives its token back at once), and a job queued for another of their pull requests
/// holds a token until it starts or is dropped. Null: a token is free now.
/// </summary>
public sealed partial class GraderStore
{
    public async Task<DateTimeOffset?> NextGradingAsync(string learner, string rubricName, Grader.Bot.Configuration.SubmissionLimit limit, PullRequestRef pullRequest, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(learner);
        ArgumentNullException.ThrowIfNull(limit);
        ArgumentNullException.ThrowIfNull(pullRequest);
        var now = _time.GetUtcNow();
        var since = now - limit.Per;
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        var taken = new List<DateTimeOffset>();
        await using (var tokens = Command(connection, null,
            "SELECT started_at FROM gradings WHERE learner = @learner AND rubric_name = @rubric AND refunded = 0",
            ("@learner", learner.ToLowerInvariant()), ("@rubric", rubricName)))
        await using (var reader = await tokens.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                var at = DateTimeOffset.Parse(reader.GetString(0), System.Globalization.CultureInfo.InvariantCulture);
                if (at > since)
                {
                    taken.Add(at);
                }
            }
        }

        // The pull request's own queued job is left out: the push being scheduled supersedes it.
        await using var queued = Command(connection, null,
            "SELECT COUNT(*) FROM jobs WHERE LOWER(learner) = @learner AND rubric_name = @rubric AND state = 'Queued' AND attempts = 0 AND limit_exempt = 0 AND NOT (repository = @repo AND pr_number = @pr)",
            ("@learner", learner.ToLowerInvariant()), ("@rubric", rubricName), ("@repo", pullRequest.Repository), ("@pr", pullRequest.Number));
        var reserved = Convert.ToInt32(await queued.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), System.Globalization.CultureInfo.InvariantCulture);
        var used = taken.Count + reserved;
        if (used < limit.Gradings)
        {
            return null;
        }

        // The (used - gradings + 1)-th token to come back frees one; tokens held by queued jobs come back only after
        // those start, so when they alone fill the bucket a whole window from now is the earliest it can be.
        taken.Sort();
        var index = used - limit.Gradings;
        return index < taken.Count ? taken[index] + limit.Per : now + limit.Per;
    }
}

/// <summary>What scheduling a job did: whether it is queued now, and which older jobs of the PR it superseded.</summary>
public sealed record JobScheduleOutcome(bool Queued, IReadOnlyList<GradingJobRecord> Superseded);
