using System.ComponentModel.DataAnnotations;

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

    /// <summary>The SQLite database: deliveries, jobs, the publication outbox, installations. The source of truth.</summary>
    public string DatabasePath { get; set; } = "grader-bot.db";

    /// <summary>
    /// SQLite <c>synchronous</c> in WAL mode. True (FULL, the default): every commit is fsynced before the delivery
    /// is acknowledged, so it survives power loss. False (NORMAL): a commit survives the process being killed, the
    /// fsync happens at checkpoints; about twice the intake throughput (see README, measured figures).
    /// </summary>
    public bool SqliteFullSync { get; set; } = true;

    /// <summary>The bot config file (YAML): repository patterns to rubrics; see bot/README.md.</summary>
    public string? CourseConfigPath { get; set; }

    /// <summary>Hangfire storage in PostgreSQL (scale-out: runners on other machines with <c>grader work</c>); in-memory when null.</summary>
    public string? HangfirePostgresConnectionString { get; set; }

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

    /// <summary>A SQLite file or a postgres:// URL; null: <c>grader-evidence.db</c> beside <see cref="BotOptions.DatabasePath"/>.</summary>
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
        Store = Enabled ? Store ?? Path.Combine(Path.GetDirectoryName(Path.GetFullPath(bot.DatabasePath)) ?? ".", "grader-evidence.db") : null,
        SigningKeyPath = SigningKeyPath,
    };
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
