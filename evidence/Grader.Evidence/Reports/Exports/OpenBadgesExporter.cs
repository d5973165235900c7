using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Grader.Evidence.Model;
using Grader.Evidence.Signing;
using Grader.Evidence.Store;

namespace Grader.Evidence.Reports.Exports;

/// <summary>
/// Open Badges 3.0: one <c>OpenBadgeCredential</c> per learner and competency level demonstrated in an attempt, the
/// achievement carrying the criteria narrative and the proficiency levels as a <c>RubricCriterionLevel</c>
/// result description, the subject's <c>result</c> naming the level achieved, the pull requests and commits that showed
/// it as <c>evidence</c>; each signed as a VC-JWT (ES256, <c>kid</c> and <c>jwk</c> in the header). The file lists
/// the credentials with the public keys (evidence/README.md, "openbadges").
/// </summary>
public sealed class OpenBadgesExporter : IReportExporter
{
    public const string FormatName = "grader-openbadges";

    public static readonly IReadOnlyList<string> Context =
        ["https://www.w3.org/2018/credentials/v1", "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"];

    private const int MaxEvidence = 5;

    public string Format => "openbadges";
    public string Extension => ".json";
    public string ContentType => "application/json";
    public bool NeedsRecordJson => true;

    public async Task WriteAsync(ExportContext context, Stream output, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var key = context.SigningKey ?? throw new InvalidOperationException("Open Badges credentials are signed: no signing key is available (grader evidence keygen).");
        var data = context.Data;
        var issued = data.GeneratedAt;
        var credentials = new JsonArray();
        foreach (var (learner, rows) in data.Latest.GroupBy(data.LearnerOf).Select(g => (g.Key, g.ToList())))
        {
            var shown = new Dictionary<(string Id, string Level), (CompetencyLevel Competency, List<(EvidenceRow Row, EvidenceRecord Record)> By)>();
            foreach (var row in rows)
            {
                var record = row.Record();
                foreach (var c in record.Competencies)
                {
                    if (!shown.TryGetValue((c.Id, c.Level), out var entry)) shown[(c.Id, c.Level)] = entry = (c, []);
                    entry.By.Add((row, record));
                }
            }
            foreach (var ((id, level), (competency, by)) in shown.OrderBy(s => s.Key.Id, StringComparer.Ordinal).ThenBy(s => Levels.Rank(s.Key.Level)))
            {
                var credential = Credential(context.Settings, learner, competency, by, issued);
                var payload = (JsonObject)credential.DeepClone();
                payload["iss"] = credential["issuer"]!["id"]!.GetValue<string>();
                payload["jti"] = credential["id"]!.GetValue<string>();
                payload["sub"] = credential["credentialSubject"]!["id"]!.GetValue<string>();
                payload["nbf"] = issued.ToUnixTimeSeconds();
                credentials.Add(new JsonObject
                {
                    ["learnerId"] = learner.LearnerId,
                    ["githubLogin"] = learner.Login,
                    ["competency"] = id,
                    ["level"] = level,
                    ["jwt"] = CompactJws.Sign(payload, key),
                });
            }
        }
        var document = new JsonObject
        {
            ["format"] = FormatName,
            ["formatVersion"] = 1,
            ["generatedAt"] = issued.UtcDateTime,
            ["issuer"] = Issuer(context.Settings),
            ["keys"] = new JsonArray(new JsonObject
            {
                ["keyId"] = key.KeyId,
                ["algorithm"] = EvidenceSigningKey.Algorithm,
                ["publicKeyPem"] = key.PublicKeyPem,
                ["jwk"] = CompactJws.PublicJwk(key),
            }),
            ["credentials"] = credentials,
        };
        await using var writer = new Utf8JsonWriter(output, new JsonWriterOptions { Indented = true });
        document.WriteTo(writer);
        await writer.FlushAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The unsigned credential (the JWT payload less its registered claims).</summary>
    internal static JsonObject Credential(ExportSettings settings, ReportLearner learner, CompetencyLevel competency, IReadOnlyList<(EvidenceRow Row, EvidenceRecord Record)> by, DateTimeOffset issued)
    {
        var b = settings.Base;
        var achievementId = $"{b}/achievements/{Uri.EscapeDataString(competency.Id)}/{competency.Level.ToLowerInvariant()}";
        var resultDescriptionId = achievementId + "#proficiency";
        var levelId = $"{b}/levels/{competency.Level.ToLowerInvariant()}";
        var subjectId = learner.Login is not null ? $"https://github.com/{learner.Login}" : $"urn:grader:learner:{Uri.EscapeDataString(learner.Key)}";
        var time = issued.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
        // The credential goes to the learner: instructor-only criteria are not named in it.
        var instructorOnly = by.SelectMany(x => x.Record.Criteria).Where(c => c.InstructorOnly == true).Select(c => c.Id).ToHashSet(StringComparer.Ordinal);
        var criteria = by.SelectMany(x => x.Record.Criteria.Where(c => competency.Criteria.Contains(c.Id) && c.InstructorOnly != true).Select(c => $"{c.Title} ({x.Record.Module.Id})"))
            .Distinct(StringComparer.Ordinal).ToList();
        var criteriaText = criteria.Count > 0 ? string.Join("; ", criteria) : string.Join(", ", competency.Criteria.Where(id => !instructorOnly.Contains(id)));

        return new JsonObject
        {
            ["@context"] = new JsonArray([.. Context.Select(c => (JsonNode)JsonValue.Create(c))]),
            ["id"] = "urn:uuid:" + StableUuid($"{learner.Key}|{competency.Id}|{competency.Level}|{string.Join(',', by.Select(x => x.Row.RecordId))}"),
            ["type"] = new JsonArray("VerifiableCredential", "OpenBadgeCredential"),
            ["name"] = $"{competency.Name}: {competency.Level}",
            ["description"] = $"{learner.Name} demonstrated {competency.Name} at the {competency.Level} level in graded course work.",
            ["issuer"] = Issuer(settings),
            ["issuanceDate"] = time,
            ["validFrom"] = time,
            ["awardedDate"] = by.Min(x => x.Row.GradedAt).UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture),
            ["credentialSubject"] = new JsonObject
            {
                ["id"] = subjectId,
                ["type"] = new JsonArray("AchievementSubject"),
                ["achievement"] = new JsonObject
                {
                    ["id"] = achievementId,
                    ["type"] = new JsonArray("Achievement"),
                    ["achievementType"] = "Competency",
                    ["name"] = $"{competency.Name}: {competency.Level}",
                    ["description"] = $"{competency.Name} demonstrated at the {competency.Level} level, as graded by the course rubrics.",
                    ["criteria"] = new JsonObject
                    {
                        ["narrative"] = $"Meet, in a graded submission, the rubric criteria that show {competency.Name} at the {competency.Level} level: {criteriaText}.",
                    },
                    ["resultDescription"] = new JsonArray(new JsonObject
                    {
                        ["id"] = resultDescriptionId,
                        ["type"] = new JsonArray("ResultDescription"),
                        ["name"] = $"{competency.Name} proficiency",
                        ["resultType"] = "RubricCriterionLevel",
                        ["allowedValue"] = new JsonArray([.. Levels.All.Select(l => (JsonNode)JsonValue.Create(l))]),
                        ["rubricCriterionLevel"] = new JsonArray([.. Levels.All.Select((l, i) => (JsonNode)new JsonObject
                        {
                            ["id"] = $"{b}/levels/{l.ToLowerInvariant()}",
                            ["type"] = new JsonArray("RubricCriterionLevel"),
                            ["name"] = l,
                            ["level"] = (i + 1).ToString(CultureInfo.InvariantCulture),
                        })]),
                    }),
                },
                ["result"] = new JsonArray(new JsonObject
                {
                    ["type"] = new JsonArray("Result"),
                    ["resultDescription"] = resultDescriptionId,
                    ["achievedLevel"] = levelId,
                    ["value"] = competency.Level,
                }),
            },
            ["evidence"] = new JsonArray([.. by.OrderByDescending(x => x.Row.GradedAt).Take(MaxEvidence).Select(x => (JsonNode)Evidence(x.Record))]),
        };
    }

    private static JsonObject Evidence(EvidenceRecord r)
    {
        var s = r.Submission;
        var commitUrl = s.Repository.Contains('/', StringComparison.Ordinal) && s.HeadSha.Length > 0 ? $"https://github.com/{s.Repository}/commit/{s.HeadSha}" : null;
        var where = s.PullRequestNumber is { } n ? $"pull request #{n} of {s.Repository}" : s.Repository;
        var evidence = new JsonObject
        {
            ["type"] = new JsonArray("Evidence"),
            ["name"] = $"{r.Module.Id} at commit {s.HeadSha[..Math.Min(12, s.HeadSha.Length)]}",
            ["narrative"] = string.Create(CultureInfo.InvariantCulture,
                $"{r.Module.Title}: {r.Points:0.##}/{r.MaxPoints:0.##} ({(r.Passed ? "passed" : "not passed")}), {where}, commit {s.HeadSha}, graded {r.GradedAt.UtcDateTime:yyyy-MM-dd}."),
            ["genre"] = "Graded submission",
        };
        var id = s.PullRequestUrl ?? commitUrl;
        if (id is not null) evidence["id"] = id;
        return evidence;
    }

    private static JsonObject Issuer(ExportSettings settings) => new()
    {
        ["id"] = settings.Base + "/issuer",
        ["type"] = new JsonArray("Profile"),
        ["name"] = settings.IssuerName,
        ["url"] = settings.Base,
    };

    /// <summary>A name-based UUID (SHA-256, version 8 layout): the same credential gets the same id on every export.</summary>
    internal static string StableUuid(string name)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(name));
        hash[6] = (byte)((hash[6] & 0x0F) | 0x80);
        hash[8] = (byte)((hash[8] & 0x3F) | 0x80);
        return new Guid(hash.AsSpan(0, 16), bigEndian: true).ToString();
    }
}
