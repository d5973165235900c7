using Grader.Bot.Configuration;
using Grader.Bot.Storage;
using Grader.Bot.Tests.Support;
using Grader.GitHub.Outbox;
using Grader.GitHub.Publishing;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Grader.Bot.Tests.Storage;

/// <summary>A SQLite database written before the store's schema was versioned opens, upgraded, with nothing lost.</summary>
internal sealed class GraderStoreSqliteUpgradeTests
{
    private static readonly DateTimeOffset Start = new(2026, 12, 2, 12, 0, 0, TimeSpan.Zero);

    private TempState _state = null!;
    private FakeTimeProvider _time = null!;
    private GraderStore? _store;

    private string DatabasePath => Path.Combine(_state.Path, "bot.db");

    [SetUp]
    public void CreateFolder()
    {
        _state = new TempState();
        _time = new FakeTimeProvider(Start);
    }

    [TearDown]
    public void CloseStore()
    {
        _store?.Dispose();
        _state.Dispose();
    }

    private GraderStore Open() => new(Options.Create(new BotOptions { DatabasePath = DatabasePath }), _time);

    private static GradingJobRecord Job(string headSha) => StoreTestDatabases.Job(headSha);

    private Task<IReadOnlyList<OutboxEntry>> DueAsync() => _store!.ClaimDueAsync(_time.GetUtcNow(), 100, CancellationToken.None);

    [Test]
    public async Task Open_DatabaseOfTheReleaseBefore_ItsPendingEntriesAreClaimedAsTheyWereMeant()
    {
        await using (var old = new SqliteConnection($"Data Source={DatabasePath}"))
        {
            await old.OpenAsync();
            await using var create = old.CreateCommand();
            // The previous release's schema and rows, as its OutboxPublisher wrote them.
            create.CommandText = """
                CREATE TABLE jobs (job_key TEXT PRIMARY KEY, installation_id INTEGER NOT NULL, repository TEXT NOT NULL, pr_number INTEGER NOT NULL,
                  head_sha TEXT NOT NULL, rubric_name TEXT NOT NULL, rubric_path TEXT NOT NULL, hidden_tests_path TEXT NULL, queue TEXT NOT NULL,
                  state TEXT NOT NULL, attempts INTEGER NOT NULL DEFAULT 0, hangfire_id TEXT NULL, check_run_id INTEGER NULL, error TEXT NULL,
                  created_at TEXT NOT NULL, updated_at TEXT NOT NULL, worker_deaths INTEGER NOT NULL DEFAULT 0, post_review INTEGER NOT NULL DEFAULT 1);
                CREATE TABLE outbox (id INTEGER PRIMARY KEY AUTOINCREMENT, job_key TEXT NOT NULL, kind TEXT NOT NULL, payload TEXT NOT NULL,
                  attempts INTEGER NOT NULL DEFAULT 0, next_attempt_at TEXT NOT NULL, published_at TEXT NULL, last_error TEXT NULL);
                CREATE INDEX outbox_due ON outbox(published_at, next_attempt_at);
                INSERT INTO jobs VALUES ('course/lab#2@aaaa', 11, 'course/lab', 2, 'aaaa', 'lab', '/r.yaml', NULL, 'cpu', 'Completed', 1, NULL, 41, NULL,
                  '2026-12-01T10:00:00.0000000+00:00', '2026-12-01T10:05:00.0000000+00:00', 0, 0);
                INSERT INTO outbox (job_key, kind, payload, attempts, next_attempt_at, published_at) VALUES
                  ('course/lab#2@aaaa', 'QueuedCheckRun', '{}', 0, '2026-12-01T10:00:00.0000000+00:00', '2026-12-01T10:00:01.0000000+00:00'),
                  ('course/lab#2@aaaa', 'Result', '{"result":{"title":"Passed: 90/100","summary":"90 of 100 points.","conclusion":"Success","reviewEvent":"Approve","reviewBody":"Well done.","annotations":[]},"postReview":false,"evidence":"{\"id\":\"r1\"}"}',
                   3, '2026-12-01T10:06:00.0000000+00:00', NULL);
                """;
            await create.ExecuteNonQueryAsync();
        }

        _store = Open();
        var entry = (await DueAsync()).Single();
        await _store.ScheduleJobAsync(Job("cccc"), regrade: false, supersedeOthers: false, CancellationToken.None);

        Assert.Multiple(async () =>
        {
            Assert.That(entry.Publication.Kind, Is.EqualTo(PublicationKind.Result));
            Assert.That(entry.Publication.Key, Is.EqualTo($"outbox-{entry.Id}"));
            Assert.That(entry.Publication.Target, Is.EqualTo(new PublishTarget(11, "course", "lab", 2, "aaaa", "course/lab#2@aaaa")));
            Assert.That(entry.Publication.CheckRunId, Is.EqualTo(41));
            Assert.That(entry.Publication.Result!.Title, Is.EqualTo("Passed: 90/100"));
            Assert.That(entry.Publication.Result.ReviewBody, Is.Null, "PostReview false: no review");
            Assert.That(entry.Publication.Evidence, Is.EqualTo("{\"id\":\"r1\"}"));
            Assert.That(entry.Attempts, Is.EqualTo(3));
            Assert.That(entry.EnqueuedAt, Is.EqualTo(Start), "an older entry's age counts from the upgrade");
            Assert.That((await DueAsync()).Select(e => e.Publication.Key), Does.Contain(Job("cccc").PublicationKey(PublicationKind.QueuedCheckRun)), "new entries beside the old ones");
        });
    }

}
