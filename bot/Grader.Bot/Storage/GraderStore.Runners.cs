using System.Data.Common;
using System.Globalization;
using Grader.Evidence.Database;

namespace Grader.Bot.Storage;

public sealed partial class GraderStore
{
    /// <summary>Records a runner as started (again): its capabilities, queues and concurrency replace what was there.</summary>
    public Task RegisterRunnerAsync(RunnerRegistration runner, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(runner);
        return WriteAsync(async (connection, transaction) =>
        {
            await using var command = Command(connection, transaction,
                """
                INSERT INTO runners (runner_id, host, queues, concurrency, capabilities, state, started_at, heartbeat_at)
                VALUES (@id, @host, @queues, @concurrency, @capabilities, @state, @at, @at)
                ON CONFLICT (runner_id) DO UPDATE SET host = @host, queues = @queues, concurrency = @concurrency,
                  capabilities = @capabilities, state = @state, started_at = @at, heartbeat_at = @at
                """,
                ("@id", runner.RunnerId), ("@host", runner.Host), ("@queues", string.Join(',', runner.Queues)), ("@concurrency", runner.Concurrency),
                ("@capabilities", runner.Capabilities), ("@state", nameof(RunnerState.Idle)), ("@at", Now()));
            return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }, cancellationToken);
    }

    /// <summary>The runner's heartbeat, with its state: idle, busy (a job is running on it), draining or stopped.</summary>
    public Task HeartbeatRunnerAsync(string runnerId, RunnerState state, CancellationToken cancellationToken) =>
        WriteAsync(async (connection, transaction) =>
        {
            await using var command = Command(connection, transaction,
                "UPDATE runners SET state = @state, heartbeat_at = @at WHERE runner_id = @id",
                ("@id", runnerId), ("@state", state.ToString()), ("@at", Now()));
            return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }, cancellationToken);

    /// <summary>How many jobs are running on the runner now.</summary>
    public async Task<int> CountRunningJobsAsync(string runnerId, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        var count = await Sql.ScalarAsync(connection, null, "SELECT COUNT(*) FROM jobs WHERE runner_id = @id AND state = 'Running'", cancellationToken, ("@id", runnerId)).ConfigureAwait(false);
        return Convert.ToInt32(count, CultureInfo.InvariantCulture);
    }

    /// <summary>Every registered runner with the jobs running on it, by runner id.</summary>
    public async Task<IReadOnlyList<RunnerStatus>> GetRunnersAsync(CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        var jobs = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        await using (var running = Command(connection, null, "SELECT runner_id, job_key FROM jobs WHERE state = 'Running' AND runner_id IS NOT NULL ORDER BY job_key"))
        await using (var reader = await running.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                var id = reader.GetString(0);
                if (!jobs.TryGetValue(id, out var list)) jobs[id] = list = [];
                list.Add(reader.GetString(1));
            }
        }

        var runners = new List<RunnerStatus>();
        await using var select = Command(connection, null,
            "SELECT runner_id, host, queues, concurrency, capabilities, state, started_at, heartbeat_at FROM runners ORDER BY runner_id");
        await using var rows = await select.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await rows.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            var id = rows.GetString(0);
            runners.Add(new RunnerStatus(
                new RunnerRegistration(id, rows.GetString(1), rows.GetString(2).Split(',', StringSplitOptions.RemoveEmptyEntries), rows.GetInt32(3), rows.GetString(4)),
                Enum.Parse<RunnerState>(rows.GetString(5)),
                ReadStamp(rows, 6),
                ReadStamp(rows, 7),
                jobs.TryGetValue(id, out var current) ? current : []));
        }

        return runners;
    }

    private static DateTimeOffset ReadStamp(DbDataReader reader, int ordinal) =>
        DateTimeOffset.Parse(reader.GetString(ordinal), CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind);
}

/// <summary>What a runner is and can do, as it registered.</summary>
/// <param name="Capabilities">JSON: CPUs, memory, GPUs (model, memory, UUID) as the runner found them at start.</param>
public sealed record RunnerRegistration(string RunnerId, string Host, IReadOnlyList<string> Queues, int Concurrency, string Capabilities);

public enum RunnerState
{
    Idle,
    Busy,
    Draining,
    Stopped,
}

/// <summary>A runner as the registry knows it: its registration, state, last heartbeat and the jobs running on it.</summary>
public sealed record RunnerStatus(RunnerRegistration Registration, RunnerState State, DateTimeOffset StartedAt, DateTimeOffset HeartbeatAt, IReadOnlyList<string> RunningJobs)
{
    /// <summary>Lost: no heartbeat for three intervals while it should be beating (not stopped).</summary>
    public bool IsLost(DateTimeOffset now, TimeSpan heartbeatInterval) => State != RunnerState.Stopped && now - HeartbeatAt > 3 * heartbeatInterval;
}
