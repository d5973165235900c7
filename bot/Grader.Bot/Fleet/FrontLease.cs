using Grader.Bot.Configuration;
using Grader.Bot.Monitoring;
using Grader.Bot.Webhooks;
using Grader.GitHub.Outbox;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Grader.Bot.Fleet;

/// <summary>
/// Which webhook front is the active one. Every front accepts deliveries (a durable write each), but only the front
/// holding the lease interprets them and relays the outbox to GitHub; the others stand by and take over when it goes
/// (stopped, killed, its host or its database connection lost), so several fronts behind a load balancer, or a rolling
/// update that overlaps two, never publish side by side. On PostgreSQL the lease is a session advisory lock on a
/// connection of its own: PostgreSQL frees it the moment that session ends, and TCP keepalives end the session of a
/// front whose host vanished. On SQLite the store serves one process, which always holds it.
/// </summary>
public sealed partial class FrontLease(
    IOptions<BotOptions> options,
    OutboxSignal outbox,
    DeliverySignal deliveries,
    GraderMetrics metrics,
    TimeProvider time,
    ILogger<FrontLease> logger) : BackgroundService, IRelayLease
{
    /// <summary>The advisory lock's key, distinct from the schema migrator's.</summary>
    private const long LockKey = 0x4752_4144_4552_4652; // "GRADERFR"

    /// <summary>
    /// Unpooled: closing the connection must end the session that holds the lock, not park it in a pool. Short command
    /// timeout and client keepalives: a front cut off from its database learns it within seconds, not minutes.
    /// </summary>
    private readonly string? _connectionString = options.Value.UsesPostgres
        ? new NpgsqlConnectionStringBuilder(options.Value.StoreLocation().PostgresConnectionString)
        {
            Pooling = false,
            ApplicationName = "grader-front-lease",
            CommandTimeout = 5,
            KeepAlive = 10,
        }.ConnectionString
        : null;
    private NpgsqlConnection? _connection;
    private volatile bool _held;
    private bool _standbyLogged;

    public bool IsHeld => _connectionString is null || _held;

    /// <summary>The first try happens before the host starts the loops that read <see cref="IsHeld"/>.</summary>
    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        if (_connectionString is not null)
        {
            await CheckAsync(cancellationToken).ConfigureAwait(false);
        }

        metrics.FrontLease(IsHeld);

        await base.StartAsync(cancellationToken).ConfigureAwait(false);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (_connectionString is null)
        {
            return;
        }

        while (!stoppingToken.IsCancellationRequested)
        {
            await Task.Delay(options.Value.FrontLeaseInterval, time, stoppingToken).ConfigureAwait(false);
            await CheckAsync(stoppingToken).ConfigureAwait(false);
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken).ConfigureAwait(false);
        // Registered before the loops, so stopped after them: closing the session hands the lease to a standby at once.
        await LoseAsync(stopping: true).ConfigureAwait(false);
    }

    /// <summary>Takes the lease if it is free, or checks that the session holding it is alive.</summary>
    private async Task CheckAsync(CancellationToken cancellationToken)
    {
        try
        {
            if (_connection is null)
            {
                _connection = new NpgsqlConnection(_connectionString);
                await _connection.OpenAsync(cancellationToken).ConfigureAwait(false);
                // PostgreSQL ends this session (and frees the lock) about a minute after this front's host stops answering.
                await using var keepalive = new NpgsqlCommand("SET tcp_keepalives_idle = 30; SET tcp_keepalives_interval = 10; SET tcp_keepalives_count = 3", _connection);
                await keepalive.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }

            if (_held)
            {
                await using var alive = new NpgsqlCommand("SELECT 1", _connection);
                await alive.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
                return;
            }

            await using var take = new NpgsqlCommand("SELECT pg_try_advisory_lock(@key)", _connection);
            take.Parameters.AddWithValue("key", LockKey);
            if (await take.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is true)
            {
                _held = true;
                _standbyLogged = false;
                metrics.FrontLease(active: true);
                LogActive(logger);
                // Whatever waited while another front was active is this front's now.
                outbox.Notify();
                deliveries.Notify();
            }
            else if (!_standbyLogged)
            {
                _standbyLogged = true;
                LogStandby(logger, "another front is active");
            }
        }
        catch (Exception ex) when (ex is NpgsqlException or TimeoutException or InvalidOperationException or System.IO.IOException)
        {
            LogCheckFailed(logger, ex.Message);
            await LoseAsync(stopping: false).ConfigureAwait(false);
        }
    }

    private async Task LoseAsync(bool stopping)
    {
        if (_held)
        {
            _held = false;
            metrics.FrontLease(active: false);
            LogStandby(logger, stopping ? "this front is stopping" : "its database session was lost");
        }

        if (_connection is { } connection)
        {
            _connection = null;
            await connection.DisposeAsync().ConfigureAwait(false);
        }
    }

    public override void Dispose()
    {
        _connection?.Dispose();
        base.Dispose();
    }

    [LoggerMessage(EventId = 2601, Level = LogLevel.Information, Message = "This front is the active one: it interprets deliveries and publishes to GitHub")]
    private static partial void LogActive(ILogger logger);

    [LoggerMessage(EventId = 2602, Level = LogLevel.Warning, Message = "This front stands by ({Reason}): another front, or this one once it reconnects, takes over")]
    private static partial void LogStandby(ILogger logger, string reason);

    [LoggerMessage(EventId = 2603, Level = LogLevel.Warning, Message = "Front lease check failed: {Reason}")]
    private static partial void LogCheckFailed(ILogger logger, string reason);
}
