using System.Diagnostics;
using System.Text;
using System.Text.Json.Nodes;
using Grader.Evidence.Database;
using Grader.Evidence.Signing;
using Grader.Evidence.Tests.Support;
using Grader.Evidence.Verification;

namespace Grader.Evidence.Tests.Reports;

/// <summary>
/// Open Badges 3.0 credentials: checked by Grader's own verifier, and by an independent one (node's <c>jose</c> for
/// the VC-JWT, <c>ajv</c> with the Open Badges 3.0 AchievementCredential JSON Schema from 1EdTech, committed as a
/// fixture) that shares no code with the signer.
/// </summary>
[Category("Database")]
[Category("Integration")]
public sealed class OpenBadgesExportTests
{
    private SeededStore _store = null!;

    [OneTimeSetUp]
    public async Task SetUp() => _store = await SeededStore.CreateAsync(DatabaseDialect.Sqlite);

    [OneTimeTearDown]
    public async Task TearDown() => await _store.DisposeAsync();

    [Test]
    public async Task OpenBadges_PerLearnerAndLevel_OneCredentialEachWithResultAndEvidence()
    {
        var export = JsonNode.Parse(await _store.ExportAsync("openbadges"))!;

        var credentials = export["credentials"]!.AsArray();
        // alice: containers Proficient + Expert, testing Working; mallory: testing Working; bob has only a grader error.
        Assert.That(credentials.Select(c => $"{c!["githubLogin"]}:{c["competency"]}:{c["level"]}"), Is.EquivalentTo(new[]
        {
            "alice:containers:Proficient", "alice:containers:Expert", "alice:testing:Working", "mallory:testing:Working",
        }));
        var jws = CompactJws.Parse(credentials.First(c => c!["level"]!.GetValue<string>() == "Expert")!["jwt"]!.GetValue<string>())!.Value;
        var subject = jws.Payload.GetProperty("credentialSubject");
        Assert.Multiple(() =>
        {
            Assert.That(jws.Header.GetProperty("alg").GetString(), Is.EqualTo("ES256"));
            Assert.That(jws.Header.GetProperty("jwk").TryGetProperty("d", out _), Is.False);
            Assert.That(subject.GetProperty("id").GetString(), Is.EqualTo("https://github.com/alice"));
            Assert.That(subject.GetProperty("result")[0].GetProperty("achievedLevel").GetString(), Does.EndWith("/levels/expert"));
            var rd = subject.GetProperty("achievement").GetProperty("resultDescription")[0];
            Assert.That(rd.GetProperty("resultType").GetString(), Is.EqualTo("RubricCriterionLevel"));
            Assert.That(rd.GetProperty("rubricCriterionLevel").GetArrayLength(), Is.EqualTo(3));
            Assert.That(subject.GetProperty("achievement").GetProperty("criteria").GetProperty("narrative").GetString(), Does.Contain("The image builds"));
            Assert.That(jws.Payload.GetProperty("evidence")[0].GetProperty("id").GetString(), Is.EqualTo("https://github.com/course/lab-alice/pull/7"));
            Assert.That(jws.Payload.GetProperty("evidence")[0].GetProperty("narrative").GetString(), Does.Contain(SeededStore.Sha('3')));
        });
    }

    [Test]
    public async Task OpenBadges_Export_PassesTheIndependentVerifierAndTheOpenBadgesSchema()
    {
        var path = Path.Combine(_store.Db.Folder, "badges.json");
        await File.WriteAllTextAsync(path, await _store.ExportAsync("openbadges"));

        var (exit, output) = await RunVerifierAsync(path);

        Assert.That(exit, Is.EqualTo(0), output);
        Assert.That(JsonNode.Parse(output)!["checked"]!.GetValue<int>(), Is.EqualTo(4));
        using var stream = File.OpenRead(path);
        Assert.That(ExportVerifier.Verify(stream).Valid, Is.True);
    }

    [Test]
    [Category("Hostile")]
    public async Task OpenBadges_LevelRaisedInACredential_FailsBothVerifiersNamingIt()
    {
        var export = JsonNode.Parse(await _store.ExportAsync("openbadges"))!;
        var entry = export["credentials"]!.AsArray().First(c => c!["githubLogin"]!.GetValue<string>() == "mallory")!;
        var parts = entry["jwt"]!.GetValue<string>().Split('.');
        var payload = JsonNode.Parse(System.Buffers.Text.Base64Url.DecodeFromChars(parts[1]))!;
        payload["credentialSubject"]!["result"]![0]!["achievedLevel"] = "https://grader.invalid/levels/expert";
        entry["jwt"] = parts[0] + "." + System.Buffers.Text.Base64Url.EncodeToString(Encoding.UTF8.GetBytes(payload.ToJsonString())) + "." + parts[2];
        var path = Path.Combine(_store.Db.Folder, "tampered-badges.json");
        await File.WriteAllTextAsync(path, export.ToJsonString());

        var (exit, output) = await RunVerifierAsync(path);
        using var stream = File.OpenRead(path);
        var report = ExportVerifier.Verify(stream);

        Assert.That(exit, Is.EqualTo(1));
        Assert.That(JsonNode.Parse(output)!["failures"]!.AsArray().Single()!["competency"]!.GetValue<string>(), Is.EqualTo("testing"));
        Assert.That(report.Problems.Single().Description, Is.EqualTo("mallory, testing Working"));
        Assert.That(report.Problems.Single().Message, Does.Contain("altered"));
    }

    private async Task<(int Exit, string Output)> RunVerifierAsync(string exportPath)
    {
        var keyPath = Path.Combine(_store.Db.Folder, "public.pem");
        await File.WriteAllTextAsync(keyPath, _store.Key.PublicKeyPem);
        var start = new ProcessStartInfo("node")
        {
            ArgumentList = { Path.Combine(RepositoryPaths.NodeTools, "verify-openbadges.mjs"), exportPath, keyPath, RepositoryPaths.Fixture("ob_v3p0_achievementcredential.schema.json") },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, (await stdout).Trim() + (await stderr));
    }
}
