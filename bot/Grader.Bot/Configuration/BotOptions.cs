using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace Grader.Bot.Configuration;

/// <summary>Settings of the webhook bot (section <c>Grader:Bot</c>, <c>bot:</c> in the config file); the course mapping lives in <see cref="CourseConfiguration"/>.</summary>
public sealed class BotOptions
{
    public const string SectionName = "Grader:Bot";

    /// <summary>Path GitHub posts deliveries to.</summary>
    public string WebhookPath { get; set; } = "/api/github/webhooks";

    /// <summary>The webhook secret of the GitHub App; deliveries are verified with HMAC-SHA256 of the raw body.</summary>
    [Required]
    public string WebhookSecret { get; set; } = "";

    /// <summary>Size, memory and time bounds of the webhook endpoint before a delivery's signature is checked.</summary>
    public WebhookIntakeOptions WebhookIntake { get; set; } = new();

    /// <summary>The App's slug: its own events come from <c>{slug}[bot]</c> and are ignored; its reviews are written by that user.</summary>
    [Required]
    public string AppSlug { get; set; } = "";

    /// <summary>The SQLite database: deliveries, jobs, the publication outbox, installations. The source of truth (unless <see cref="Postgres"/> is set).</summary>
    public string DatabasePath { get; set; } = "grader-bot.db";

    /// <summary>
    /// PostgreSQL for everything (the fleet): the bot's store, Hangfire's queues and, unless <c>bot.evidence.store</c>
    /// names another, the evidence store. A <c>postgres://user:password@host:port/database</c> URL or an Npgsql
    /// connection string (<c>Host=...;Database=...</c>). Unset: the embedded default, SQLite and in-memory Hangfire.
    /// </summary>
    public string? Postgres { get; set; }

    /// <summary>Whether <see cref="Postgres"/> is set: runners on other machines can share this bot's queues and state.</summary>
    public bool UsesPostgres => !string.IsNullOrWhiteSpace(Postgres);

    /// <summary>The store's database: <see cref="Postgres"/> when set, else the SQLite file <see cref="DatabasePath"/>.</summary>
    public Grader.Evidence.Database.DatabaseLocation StoreLocation()
    {
        if (!UsesPostgres)
        {
            return new Grader.Evidence.Database.DatabaseLocation { SqlitePath = DatabasePath, SqliteFullSync = SqliteFullSync };
        }

        var location = Grader.Evidence.Database.DatabaseLocation.Parse(Postgres!);
        return location.Dialect == Grader.Evidence.Database.DatabaseDialect.PostgreSql
            ? location
            : throw new OptionsValidationException(SectionName, typeof(BotOptions), [PostgresFormatError]);
    }

    internal const string PostgresFormatError =
        "bot.postgres is neither a postgres:// URL nor an Npgsql connection string (Host=...;Database=...): set it in the config file or Grader__Bot__Postgres.";

    /// <summary>
    /// SQLite <c>synchronous</c> in WAL mode. True (FULL, the default): every commit is fsynced before the delivery
    /// is acknowledged, so it survives power loss. False (NORMAL): a commit survives the process being killed, the
    /// fsync happens at checkpoints; about twice the intake throughput (see README, measured figures).
    /// </summary>
    public bool SqliteFullSync { get; set; } = true;

    /// <summary>The bot config file (YAML): repository patterns to rubrics; see bot/README.md.</summary>
    public string? CourseConfigPath { get; set; }

    /// <summary>
    /// How long a job Hangfire.PostgreSql handed to a runner stays invisible to other runners without a heartbeat
    /// (sliding: a live runner keeps extending it, so a job longer than this never runs twice; a dead runner's job is
    /// visible again this long after its last heartbeat).
    /// </summary>
    public TimeSpan JobVisibilityTimeout { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// How often an idle runner asks PostgreSQL for a job: a job enqueued by another process waits up to this long for
    /// an idle runner (one enqueued in the runner's own process wakes it at once). See docs/fleet.md for the query load.
    /// </summary>
    public TimeSpan QueuePollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// How often a webhook front on PostgreSQL checks the front lease (<c>Fleet/FrontLease</c>): a standby front takes
    /// over this long, at most, after the active one went.
    /// </summary>
    public TimeSpan FrontLeaseInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// On SIGTERM a runner takes no new job and lets its running ones finish for this long; then they are cancelled
    /// and handed back to the queue for another runner (the interrupted attempt counts, as after a crash).
    /// </summary>
    public TimeSpan DrainTimeout { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>How often a runner records its heartbeat in the fleet registry (<c>grader-server runners</c>).</summary>
    public TimeSpan RunnerHeartbeatInterval { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>
    /// How often the webhook front checks whether posted results may show more (a learner's due date passed) and edits
    /// them (<c>Visibility/VisibilityRefresher</c>); <c>grader-server publish</c> refreshes at once.
    /// </summary>
    public TimeSpan VisibilityRefreshInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Whether this process runs grading jobs itself (the embedded default); false for a webhook-only front.</summary>
    public bool RunJobs { get; set; } = true;

    /// <summary>Whether this process interprets deliveries and publishes results (false in <c>grader work</c>).</summary>
    public bool RunIntake { get; set; } = true;

    /// <summary>The Hangfire queues (capabilities) this process's runner serves; <c>cpu</c> when empty.</summary>
    /// <remarks>Empty by default because configuration binding appends to a list instead of replacing it.</remarks>
    public IList<string> Queues { get; set; } = [];

    public IReadOnlyList<string> EffectiveQueues => Queues.Count > 0 ? [.. Queues] : [JobQueues.Cpu];

    /// <summary>Concurrent grading jobs of this process's runner.</summary>
    [Range(1, 64)]
    public int WorkerCount { get; set; } = 1;

    /// <summary>Retries of a job that failed for infrastructure reasons (grader errors), and the delays between them.</summary>
    public RetryOptions Retry { get; set; } = new();

    /// <summary>How often Hangfire looks for retries that are due.</summary>
    public TimeSpan SchedulePollingInterval { get; set; } = TimeSpan.FromSeconds(5);

    public DashboardOptions Dashboard { get; set; } = new();

    /// <summary>Competency evidence: each completed grading recorded, signed; the reports endpoint (evidence/README.md).</summary>
    public BotEvidenceOptions Evidence { get; set; } = new();

    /// <summary>How the runner clones a repository; <c>{repository}</c> is <c>owner/name</c>. Point it at GitHub Enterprise or an emulator.</summary>
    public string CloneUrlTemplate { get; set; } = "https://github.com/{repository}.git";
}

/// <summary>Retries of a job that failed for infrastructure reasons (<c>bot.retry</c>).</summary>
public sealed class RetryOptions
{
    public const string SectionName = BotOptions.SectionName + ":" + nameof(BotOptions.Retry);

    /// <summary>Attempts after the first one.</summary>
    [Range(0, 20)]
    public int Attempts { get; set; } = 3;

    /// <summary>Delay before each retry, in seconds (the last repeats); 30 s, 2 min, 10 min when empty.</summary>
    public IList<int> DelaysInSeconds { get; set; } = [];

    public IReadOnlyList<int> EffectiveDelays => DelaysInSeconds.Count > 0 ? [.. DelaysInSeconds] : [30, 120, 600];
}

/// <summary>Where the bot records evidence: a SQLite file beside its database unless configured.</summary>
public sealed class BotEvidenceOptions
{
    public const string SectionName = BotOptions.SectionName + ":" + nameof(BotOptions.Evidence);

    public bool Enabled { get; set; } = true;

    /// <summary>A SQLite file or a postgres:// URL; null: the bot's PostgreSQL database (<c>bot.postgres</c>) when set, else <c>grader-evidence.db</c> beside <see cref="BotOptions.DatabasePath"/>.</summary>
    public string? Store { get; set; }

    /// <summary>The signing key (PEM); null: beside a SQLite store, created on first use.</summary>
    public string? SigningKeyPath { get; set; }

    /// <summary>
    /// Linked from each review's competency section, <c>{login}</c> replaced by the learner's login, e.g. an LMS page
    /// or <c>https://grader.example.edu/reports/export?format=html&amp;learner={login}</c>; null: no link.
    /// </summary>
    public string? ProfileUrlTemplate { get; set; }

    public Grader.Evidence.Recording.EvidenceOptions For(BotOptions bot) => new()
    {
        Store = Enabled ? Store ?? DefaultStore(bot) : null,
        SigningKeyPath = SigningKeyPath,
    };

    private static string DefaultStore(BotOptions bot) => bot.UsesPostgres
        ? bot.Postgres!
        : Path.Combine(Path.GetDirectoryName(Path.GetFullPath(bot.DatabasePath)) ?? ".", "grader-evidence.db");
}

/// <summary>The Hangfire dashboard for operators: off unless a token is configured.</summary>
public sealed class DashboardOptions
{
    public const string SectionName = BotOptions.SectionName + ":" + nameof(BotOptions.Dashboard);

    public string Path { get; set; } = "/hangfire";

    /// <summary>Bearer token (or basic-auth password, any user name) that opens the dashboard. No token: no dashboard.</summary>
    public string? Token { get; set; }
}

/// <summary>The capabilities a job can need; each is a Hangfire queue runners listen on.</summary>
public static class JobQueues
{
    public const string Cpu = "cpu";
    public const string Gpu = "gpu";
}
