using System.Text.Json;
using System.Text.Json.Nodes;
using Grader.Evidence.Database;
using Grader.Evidence.Reports;
using Grader.Evidence.Reports.Exports;
using Grader.Evidence.Signing;
using Grader.Evidence.Tests.Support;
using Grader.Evidence.Text;
using Grader.Evidence.Verification;

namespace Grader.Evidence.Tests.Reports;

[TestFixture(DatabaseDialect.Sqlite)]
[TestFixture(DatabaseDialect.PostgreSql)]
[Category("Database")]
[Category("Integration")]
public sealed class ExportTests(DatabaseDialect dialect)
{
    private SeededStore _store = null!;

    [OneTimeSetUp]
    public async Task SetUp() => _store = await SeededStore.CreateAsync(dialect);

    [OneTimeTearDown]
    public async Task TearDown() => await _store.DisposeAsync();

    [Test]
    public async Task Csv_AllRecords_HaveTheDocumentedColumnsSelectionFlagsAndRosterStatus()
    {
        var csv = await _store.ExportAsync("csv");

        var records = Csv.Parse(csv).ToList();
        Assert.That(records[0].Fields, Is.EqualTo(CsvExporter.Columns));
        var rows = records.Skip(1).Select(r => CsvExporter.Columns.Zip(r.Fields).ToDictionary(p => p.First, p => p.Second)).ToList();
        Assert.That(rows, Has.Count.EqualTo(7), "six records and one learner with no submission");
        Assert.That(rows.All(r => r.Count == CsvExporter.Columns.Count));
        var alice = rows.Where(r => r["github_login"] == "alice" && r["module_id"] == "MOD-101").ToList();
        Assert.Multiple(() =>
        {
            Assert.That(alice.Select(r => (r["points"], r["latest_for_commit"], r["best_for_module"])), Is.EqualTo(new[]
            {
                ("40", "false", "false"), ("55", "true", "false"), ("90", "true", "true"),
            }));
            Assert.That(alice[2]["learner_id"], Is.EqualTo("S001"));
            Assert.That(alice[2]["learner_name"], Is.EqualTo("Alice Archer"));
            Assert.That(alice[2]["competencies"], Is.EqualTo("containers:Proficient;testing:Working"));
            var bob = rows.Single(r => r["github_login"] == "bob");
            Assert.That((bob["complete"], bob["latest_for_commit"], bob["best_for_module"]), Is.EqualTo(("false", "false", "false")));
            Assert.That(rows.Single(r => r["github_login"] == "mallory")["roster_status"], Is.EqualTo("not on roster"));
            var cleo = rows.Single(r => r["learner_id"] == "S003");
            Assert.That((cleo["roster_status"], cleo["record_id"]), Is.EqualTo(("no submission", "")));
        });
    }

    [Test]
    public async Task Json_Export_VerifiesAndCarriesFlagsAndKeys()
    {
        var json = await _store.ExportAsync("json");

        var report = ExportVerifier.Verify(new MemoryStream(System.Text.Encoding.UTF8.GetBytes(json)));
        var doc = JsonNode.Parse(json)!;
        Assert.Multiple(() =>
        {
            Assert.That(report.Valid, Is.True, string.Join("\n", report.Problems));
            Assert.That(report.Checked, Is.EqualTo(6));
            Assert.That(report.KeyIds, Is.EqualTo(new[] { _store.Key.KeyId }));
            Assert.That(doc["records"]!.AsArray().Count(r => r!["bestForModule"]!.GetValue<bool>()), Is.EqualTo(3));
            Assert.That(doc["learners"]!.AsArray().Select(l => l!["rosterStatus"]!.GetValue<string>()), Is.EquivalentTo(new[] { "submitted", "submitted", "no submission", "not on roster" }));
        });
    }

    [Test]
    [Category("Hostile")]
    public async Task Verify_RecordAlteredAfterExport_NamesThatRecordOnly()
    {
        var doc = JsonNode.Parse(await _store.ExportAsync("json"))!;
        var target = doc["records"]!.AsArray().First(r => r!["record"]!["learner"]!["login"]!.GetValue<string>() == "mallory")!;
        target["record"]!["passed"] = true;
        target["record"]!["points"] = 100;

        var report = ExportVerifier.Verify(new MemoryStream(System.Text.Encoding.UTF8.GetBytes(doc.ToJsonString())));

        Assert.That(report.Valid, Is.False);
        Assert.That(report.Problems, Has.Count.EqualTo(1));
        var problem = report.Problems[0];
        Assert.That(problem.RecordId, Is.EqualTo(target["record"]!["recordId"]!.GetValue<string>()));
        Assert.That(problem.ToString(), Does.Contain("mallory, MOD-101").And.Contain("was altered"));
    }

    [Test]
    [Category("Hostile")]
    public async Task Verify_KeySwappedForAnAttackersKey_FailsAgainstThePinnedKey()
    {
        // Re-sign a forged record with another key and put that key in the export: self-consistent, but not trusted.
        var doc = JsonNode.Parse(await _store.ExportAsync("json"))!;
        using var attacker = EvidenceSigningKey.Generate();
        var entry = doc["records"]!.AsArray()[0]!;
        entry["record"]!["points"] = 100;
        entry["signature"] = attacker.Sign(CanonicalJson.Of(JsonSerializer.SerializeToElement(entry["record"])));
        entry["keyId"] = attacker.KeyId;
        doc["keys"]!.AsArray().Add(new JsonObject { ["keyId"] = attacker.KeyId, ["publicKeyPem"] = attacker.PublicKeyPem });
        var bytes = System.Text.Encoding.UTF8.GetBytes(doc.ToJsonString());
        using var pinned = EvidenceSigningKey.FromPem(_store.Key.PublicKeyPem, "test");

        var unpinned = ExportVerifier.Verify(new MemoryStream(bytes));
        var withPin = ExportVerifier.Verify(new MemoryStream(bytes), [pinned]);

        Assert.That(unpinned.Valid, Is.True, "integrity alone cannot tell who signed");
        Assert.That(withPin.Problems.Select(p => p.Index), Is.EqualTo(new[] { 0 }));
        Assert.That(withPin.Problems[0].Message, Does.Contain("not one of the trusted keys"));
    }

    [Test]
    public async Task Canvas_Gradebook_HasCanvasHeaderPointsPossibleAndBestPoints()
    {
        var lines = Csv.Parse(await _store.ExportAsync("canvas")).Select(r => r.Fields).ToList();

        Assert.Multiple(() =>
        {
            Assert.That(lines[0], Is.EqualTo(new[] { "Student", "ID", "SIS User ID", "SIS Login ID", "Section", "MOD-101 title (MOD-101)", "MOD-523 title (MOD-523)" }));
            Assert.That(lines[1], Is.EqualTo(new[] { "Points Possible", "", "", "", "", "100", "100" }));
            Assert.That(lines[2], Is.EqualTo(new[] { "Alice Archer", "", "S001", "alice@uni.test", "spring", "90", "70" }));
            Assert.That(lines[3], Is.EqualTo(new[] { "Bob Baker", "", "S002", "bob@uni.test", "spring", "", "" }), "a grader error is not a grade");
            Assert.That(lines[5], Is.EqualTo(new[] { "mallory", "", "", "mallory", "not on roster", "65", "" }));
        });
    }

    [Test]
    public async Task Moodle_Gradebook_HasIdentityColumnsAndOneColumnPerModule()
    {
        var lines = Csv.Parse(await _store.ExportAsync("moodle", new ReportFilter { Cohort = "spring" })).Select(r => r.Fields).ToList();

        Assert.That(lines, Is.EqualTo(new[]
        {
            new[] { "ID number", "Email address", "Full name", "Cohort", "GitHub login", "MOD-101: MOD-101 title", "MOD-523: MOD-523 title" },
            new[] { "S001", "alice@uni.test", "Alice Archer", "spring", "alice", "90", "70" },
            new[] { "S002", "bob@uni.test", "Bob Baker", "spring", "bob", "", "" },
        }));
    }

    [Test]
    public async Task Xapi_Statements_ScorePerModuleAndCriterionForEachAttempt()
    {
        var statements = JsonNode.Parse(await _store.ExportAsync("xapi"))!.AsArray();

        // Attempts: alice 55 (re-grade), 90, MOD-523 70, mallory 65 -> 4 x (scored + verdict + 2 criteria).
        Assert.That(statements, Has.Count.EqualTo(16));
        var passed = statements.Where(s => s!["verb"]!["id"]!.GetValue<string>() == XapiExporter.Passed).ToList();
        Assert.That(passed, Has.Count.EqualTo(2));
        var score = passed.Select(s => s!["result"]!["score"]!).First(s => s["raw"]!.GetValue<double>() == 90);
        Assert.That((score["min"]!.GetValue<double>(), score["max"]!.GetValue<double>(), score["scaled"]!.GetValue<double>()), Is.EqualTo((0.0, 100.0, 0.9)));
        var criterion = statements.First(s => s!["object"]!["id"]!.GetValue<string>().EndsWith("/criteria/unit-tests", StringComparison.Ordinal))!;
        Assert.That(criterion["context"]!["contextActivities"]!["parent"]![0]!["id"]!.GetValue<string>(), Does.EndWith("/modules/MOD-101"));
        Assert.That(statements.Select(s => s!["id"]!.GetValue<string>()).Distinct().Count(), Is.EqualTo(16));
        Assert.That(statements.Select(s => s!["actor"]!["account"]!["name"]!.GetValue<string>()), Does.Not.Contain("bob"));
    }
}
