using Grader.Evidence.Database;
using Grader.Evidence.Model;
using Grader.Evidence.Reports;
using Grader.Evidence.Reports.Exports;
using Grader.Evidence.Rosters;
using Grader.Evidence.Signing;
using Grader.Evidence.Store;

namespace Grader.Evidence.Tests.Support;

/// <summary>
/// A real store (SQLite or PostgreSQL) with a roster and records covering what reports must get right: a re-graded
/// commit, a better later attempt, a grader error, a login not on the roster, a learner with no submission.
/// </summary>
public sealed class SeededStore : IAsyncDisposable
{
    public static readonly CompetencyLevel Containers = new("containers", "Containerisation", "Proficient", ["build"]);
    public static readonly CompetencyLevel Testing = new("testing", "Automated testing", "Working", ["unit-tests"]);

    private SeededStore(TestDatabase db, EvidenceDatabase evidence, EvidenceSigningKey key)
    {
        Db = db;
        Evidence = evidence;
        Key = key;
    }

    public TestDatabase Db { get; }
    public EvidenceDatabase Evidence { get; }
    public EvidenceSigningKey Key { get; }

    public static async Task<SeededStore> CreateAsync(DatabaseDialect dialect)
    {
        var db = await TestDatabase.CreateAsync(dialect);
        var evidence = await EvidenceDatabase.OpenAsync(db.Options, null, CancellationToken.None);
        var key = EvidenceSigningKey.Generate();
        await evidence.Roster.ImportAsync(
        [
            new RosterEntry("S001", "Alice Archer", "alice@uni.test", "alice", 1001, "spring"),
            new RosterEntry("S002", "Bob Baker", "bob@uni.test", "bob", 1002, "spring"),
            new RosterEntry("S003", "Cleo Cho", "cleo@uni.test", "cleo", 1003, "fall"),
        ], CancellationToken.None);
        await evidence.Records.AppendManyAsync(
        [
            // alice, MOD-101: failed, then re-graded (same commit) higher, then a later commit passes.
            Records.Make(login: "alice", sha: Sha('1'), points: 40, passed: false, minutes: 0, competencies: []),
            Records.Make(login: "alice", sha: Sha('1'), points: 55, passed: false, minutes: 5, competencies: [Testing]),
            Records.Make(login: "alice", sha: Sha('2'), points: 90, passed: true, minutes: 60, competencies: [Containers, Testing]),
            // alice, MOD-523: passed.
            Records.Make(login: "alice", module: "MOD-523", sha: Sha('3'), points: 70, passed: true, minutes: 90, competencies: [Containers with { Level = "Expert" }]),
            // bob: a grader error only (not an attempt).
            Records.Make(login: "bob", githubId: 1002, sha: Sha('4'), points: 0, passed: false, complete: false, minutes: 30, repository: "course/lab-bob"),
            // mallory: not on the roster.
            Records.Make(login: "mallory", githubId: 6666, sha: Sha('5'), points: 65, passed: false, minutes: 45, repository: "course/lab-mallory", competencies: [Testing]),
        ], key, CancellationToken.None);
        return new SeededStore(db, evidence, key);
    }

    public static string Sha(char c) => new(c, 40);

    public async Task<string> ExportAsync(string format, ReportFilter? filter = null, ExportSettings? settings = null)
    {
        var exporter = ReportExports.Find(format)!;
        using var output = new MemoryStream();
        await ReportExports.ExportAsync(Evidence, exporter, filter ?? new ReportFilter(), settings ?? new ExportSettings(), Key, output, new FixedTime(), CancellationToken.None);
        return System.Text.Encoding.UTF8.GetString(output.ToArray());
    }

    public async ValueTask DisposeAsync()
    {
        Key.Dispose();
        await Evidence.DisposeAsync();
        await Db.DisposeAsync();
    }

    private sealed class FixedTime : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => Records.T0.AddDays(30);
    }
}
