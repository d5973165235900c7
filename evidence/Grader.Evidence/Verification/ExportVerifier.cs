using System.Text.Json;
using Grader.Evidence.Signing;

namespace Grader.Evidence.Verification;

/// <summary>One record that failed verification, named so a reader can find it.</summary>
/// <param name="Index">0-based position in the export's list.</param>
public sealed record VerificationProblem(int Index, string RecordId, string Description, string Message)
{
    public override string ToString() => $"record #{Index + 1} {RecordId} ({Description}): {Message}";
}

public sealed record VerificationReport(string Kind, int Checked, IReadOnlyList<VerificationProblem> Problems, IReadOnlyList<string> KeyIds, bool KeysPinned)
{
    public bool Valid => Problems.Count == 0 && Checked > 0;
}

/// <summary>
/// Checks an export without the server: each record's signature over its canonical JSON (the <c>json</c> export) or
/// each credential's JWS (the <c>openbadges</c> export), and names every record that does not verify. Keys come from
/// the export itself unless the caller pins trusted keys (then a key the export carries but the caller does not trust
/// fails the records it signed).
/// </summary>
public static class ExportVerifier
{
    /// <exception cref="InvalidDataException">The file is not an export Grader can verify.</exception>
    public static VerificationReport Verify(Stream export, IReadOnlyList<EvidenceSigningKey>? trusted = null)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(export, new JsonDocumentOptions { MaxDepth = 128 });
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"not JSON ({e.Message})", e);
        }
        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind == JsonValueKind.Object && root.TryGetProperty("format", out var format))
            {
                if (format.GetString() == Reports.Exports.JsonExporter.FormatName) return VerifyRecords(root, trusted);
                if (format.GetString() == Reports.Exports.OpenBadgesExporter.FormatName) return OpenBadgeVerifier.Verify(root, trusted);
            }
            throw new InvalidDataException("not a Grader export (json or openbadges format)");
        }
    }

    private static VerificationReport VerifyRecords(JsonElement root, IReadOnlyList<EvidenceSigningKey>? trusted)
    {
        using var keys = KeyRing.From(root, trusted);
        var problems = new List<VerificationProblem>();
        var count = 0;
        foreach (var entry in root.GetProperty("records").EnumerateArray())
        {
            var index = count++;
            var record = entry.TryGetProperty("record", out var r) ? r : default;
            var recordId = record.ValueKind == JsonValueKind.Object && record.TryGetProperty("recordId", out var id) ? id.GetString() ?? "?" : "?";
            var description = Describe(record);
            var keyId = entry.TryGetProperty("keyId", out var k) ? k.GetString() : null;
            var signature = entry.TryGetProperty("signature", out var s) ? s.GetString() : null;
            if (record.ValueKind != JsonValueKind.Object || keyId is null || signature is null)
            {
                problems.Add(new VerificationProblem(index, recordId, description, "the entry has no record, key id or signature"));
                continue;
            }
            if (keys.Find(keyId) is not { } key)
            {
                problems.Add(new VerificationProblem(index, recordId, description, keys.Missing(keyId)));
                continue;
            }
            if (!key.Verify(CanonicalJson.Of(record), signature))
            {
                problems.Add(new VerificationProblem(index, recordId, description, "the signature does not match: the record was altered after it was signed"));
            }
        }
        return new VerificationReport("records", count, problems, keys.Ids, trusted is not null);
    }

    private static string Describe(JsonElement record)
    {
        if (record.ValueKind != JsonValueKind.Object) return "unreadable";
        static string Get(JsonElement e, string a, string b) =>
            e.TryGetProperty(a, out var x) && x.ValueKind == JsonValueKind.Object && x.TryGetProperty(b, out var y) ? y.ToString() : "?";
        var sha = Get(record, "submission", "headSha");
        return $"{Get(record, "learner", "login")}, {Get(record, "module", "id")}, commit {sha[..Math.Min(12, sha.Length)]}";
    }
}
