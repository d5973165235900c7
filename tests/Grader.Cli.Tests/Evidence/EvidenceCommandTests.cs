using System.CommandLine;
using System.Text.Json.Nodes;
using Grader.Evidence.Database;
using Grader.Evidence.Model;
using Grader.Evidence.Signing;
using Grader.Evidence.Store;

namespace Grader.Cli.Tests.Evidence;

/// <summary>The evidence commands run in-process on a real SQLite store in a temporary folder.</summary>
public sealed class EvidenceCommandTests
{
    private string _root = null!;
    private string Store => Path.Combine(_root, "evidence.db");

    [SetUp]
    public void SetUp() => _root = Directory.CreateTempSubdirectory("grader-cli-evidence-").FullName;

    [TearDown]
    public void TearDown()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_root, true);
    }

    [Test]
    public async Task RosterImport_MalformedRoster_PrintsFileLineAndImportsNothing()
    {
        var good = Write("good.csv", "learner_id,name,email,github_login,cohort\nS1,Ann,,ann,a\n");
        var bad = Write("bad.csv", "learner_id,name,email,github_login,cohort\nS2,Ben,,ben,a\nS3,Cy,,BEN,a\n");
        Assert.That((await RunAsync("roster", "import", good, "--store", Store)).Exit, Is.EqualTo(0));

        var run = await RunAsync("roster", "import", bad, "--store", Store);

        Assert.That(run.Exit, Is.EqualTo(1));
        Assert.That(run.Error, Does.Contain($"{bad}:3: GitHub login 'BEN' is already on line 2").And.Contain("nothing was imported"));
        await using var db = await EvidenceDatabase.OpenAsync(DatabaseLocation.Parse(Store), null, CancellationToken.None);
        Assert.That((await db.Roster.ListAsync(CancellationToken.None)).Select(e => e.LearnerId), Is.EqualTo(new[] { "S1" }));
    }

    [Test]
    public async Task ReportExport_ExistingFile_NeedsForceAndKeepsTheFileWithout()
    {
        await SeedAsync(EvidenceSigningKey.Generate());
        var target = Write("report.csv", "keep me");

        var refused = await RunAsync("report", "export", "--format", "csv", "--out", target, "--store", Store);
        var forced = await RunAsync("report", "export", "--format", "csv", "--out", target, "--store", Store, "--force");

        Assert.That(refused.Exit, Is.EqualTo(2));
        Assert.That(refused.Error, Does.Contain("already exists; give --force to overwrite it"));
        Assert.That(forced.Exit, Is.EqualTo(0), forced.Error);
        Assert.That(await File.ReadAllTextAsync(target), Does.StartWith("record_id,graded_at,"));
        Assert.That(Directory.GetFiles(_root, "*.tmp"), Is.Empty);
    }

    [Test]
    public async Task KeygenExportVerify_TamperedRecord_Exit1NamingItAndForeignKeyFails()
    {
        var keyPath = Path.Combine(_root, "keys", "evidence.pem");
        Assert.That((await RunAsync("evidence", "keygen", "--out", keyPath)).Exit, Is.EqualTo(0));
        Assert.That((await RunAsync("evidence", "keygen", "--out", keyPath)).Exit, Is.EqualTo(2), "a key is never overwritten");
        if (!OperatingSystem.IsWindows()) Assert.That(File.GetUnixFileMode(keyPath), Is.EqualTo(UnixFileMode.UserRead | UnixFileMode.UserWrite));
        using var key = EvidenceSigningKey.Load(keyPath);
        var recordIds = await SeedAsync(key);
        var export = Path.Combine(_root, "evidence.json");
        Assert.That((await RunAsync("report", "export", "--format", "json", "--out", export, "--store", Store)).Exit, Is.EqualTo(0));
        var publicKey = EvidenceSigningKey.PublicKeyPath(keyPath);

        var valid = await RunAsync("report", "verify", export, "--key", publicKey);
        var doc = JsonNode.Parse(await File.ReadAllTextAsync(export))!;
        doc["records"]![1]!["record"]!["learner"]!["login"] = "mallory";
        await File.WriteAllTextAsync(export, doc.ToJsonString());
        var tampered = await RunAsync("report", "verify", export, "--key", publicKey);
        var other = Path.Combine(_root, "other.pem");
        await RunAsync("evidence", "keygen", "--out", other);
        var foreign = await RunAsync("report", "verify", export, "--key", EvidenceSigningKey.PublicKeyPath(other));

        Assert.That(valid.Exit, Is.EqualTo(0), valid.Output + valid.Error);
        Assert.That(valid.Output, Does.Contain("all 2 records verified with trusted key(s)"));
        Assert.That(tampered.Exit, Is.EqualTo(1));
        Assert.That(tampered.Output, Does.Contain($"record #2 {recordIds[1]} (mallory, MOD-523").And.Contain("altered").And.Contain("1 of 2 records failed"));
        Assert.That(foreign.Exit, Is.EqualTo(1));
        Assert.That(foreign.Output, Does.Contain("not one of the trusted keys"));
    }

    [Test]
    public async Task ReportExport_UnreachablePostgres_ClearErrorExit2()
    {
        var run = await RunAsync("report", "export", "--format", "csv", "--out", Path.Combine(_root, "x.csv"), "--store", "postgres://u:secret@127.0.0.1:1/evidence");

        Assert.That(run.Exit, Is.EqualTo(2));
        Assert.That(run.Error, Does.StartWith("PostgreSQL at 127.0.0.1:1, database 'evidence' is unreachable").And.Not.Contain("secret"));
    }

    [Test]
    public async Task ReportLeaderboard_ModuleThatPublishesOne_WritesMarkdownAndHtmlAndOtherModulesExit1()
    {
        // The store's own key (the default beside a SQLite store): "verified" is checked against it.
        using var key = EvidenceSigningKey.Generate();
        key.Save(Store + ".signing-key.pem");
        using var stranger = EvidenceSigningKey.Generate();
        await using (var db = await EvidenceDatabase.OpenAsync(DatabaseLocation.Parse(Store), null, CancellationToken.None))
        {
            await db.Records.AppendManyAsync(
            [
                Record("alice", "MOD-101"),
                Bench("alice", 'a', 0.050, "50.0 ms"),
                Bench("alice", 'b', 0.030, "30.0 ms"),
                Bench("bob", 'c', 0.040, "40.0 ms"),
            ], key, CancellationToken.None);
            await db.Records.AppendAsync(Bench("mallory", 'd', 0.001, "1.00 ms"), stranger, CancellationToken.None);
        }
        var html = Path.Combine(_root, "board.html");

        var markdown = await RunAsync("report", "leaderboard", "--module", "MOD-523", "--store", Store);
        var page = await RunAsync("report", "leaderboard", "--module", "MOD-523", "--format", "html", "--out", html, "--store", Store,
            "--key", EvidenceSigningKey.PublicKeyPath(Store + ".signing-key.pem"));
        var none = await RunAsync("report", "leaderboard", "--module", "MOD-101", "--store", Store);

        Assert.Multiple(() =>
        {
            Assert.That(markdown.Exit, Is.EqualTo(0), markdown.Error);
            Assert.That(markdown.Output, Does.Contain("| 1 | alice | 30.0 ms | [`bbbbbbb`](https://github.com/course/alice/commit/" + new string('b', 40) + ") |"));
            Assert.That(markdown.Output, Does.Contain("| 2 | bob | 40.0 ms |"));
            Assert.That(markdown.Output, Does.Not.Contain("mallory").And.Contain("Left out: 1 not verified."));
            Assert.That(page.Exit, Is.EqualTo(0), page.Error);
            Assert.That(File.ReadAllText(html), Does.StartWith("<!doctype html>").And.Contain("<td class=\"learner\">alice</td>"));
            Assert.That(none.Exit, Is.EqualTo(1));
            Assert.That(none.Error.Trim(), Is.EqualTo("Module 'MOD-101' does not publish a leaderboard (its rubric has no 'leaderboard')."));
        });
    }

    private static EvidenceRecord Bench(string login, char sha, double measure, string text) => Record(login, "MOD-523") with
    {
        Submission = new SubmissionRef($"course/{login}", new string(sha, 40)),
        Criteria = [new CriterionEvidence("latency", "Batch latency", "met", 10, 10) { Measure = measure, MeasuredValue = text }],
        Leaderboard = new LeaderboardRef("latency", "lower_is_better", "login"),
    };

    private async Task<IReadOnlyList<string>> SeedAsync(EvidenceSigningKey key)
    {
        await using var db = await EvidenceDatabase.OpenAsync(DatabaseLocation.Parse(Store), null, CancellationToken.None);
        var rows = await db.Records.AppendManyAsync([Record("alice", "MOD-101"), Record("bob", "MOD-523")], key, CancellationToken.None);
        return rows.Select(r => r.RecordId).ToList();
    }

    private static EvidenceRecord Record(string login, string module) => new()
    {
        RecordId = Guid.CreateVersion7().ToString(),
        Learner = new LearnerRef(login, null),
        Submission = new SubmissionRef($"course/{login}", new string('a', 40)),
        Module = new ModuleRef(module, module),
        Rubric = new RubricRef(module, "sha256:00"),
        Criteria = [new CriterionEvidence("build", "Builds", "met", 10, 10)],
        Points = 10,
        MaxPoints = 10,
        Percentage = 100,
        Passed = true,
        Complete = true,
        Competencies = [],
        Runner = new RunnerRef("cli-test"),
        StartedAt = DateTimeOffset.UnixEpoch.AddDays(20000),
        GradedAt = DateTimeOffset.UnixEpoch.AddDays(20000),
    };

    private string Write(string name, string text)
    {
        var path = Path.Combine(_root, name);
        File.WriteAllText(path, text);
        return path;
    }

    private static async Task<(int Exit, string Output, string Error)> RunAsync(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exit = await GraderCommand.InvokeAsync(args, new InvocationConfiguration { Output = output, Error = error });
        return (exit, output.ToString(), error.ToString());
    }
}
