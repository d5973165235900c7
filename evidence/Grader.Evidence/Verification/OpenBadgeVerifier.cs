using System.Text.Json;
using Grader.Evidence.Signing;

namespace Grader.Evidence.Verification;

/// <summary>
/// Verifies an <c>openbadges</c> export: each credential's ES256 signature with the key its <c>kid</c> names (trusted
/// keys when pinned, else the export's), and the VC-JWT claims against the credential (iss, jti, sub, nbf).
/// </summary>
internal static class OpenBadgeVerifier
{
    public static VerificationReport Verify(JsonElement root, IReadOnlyList<EvidenceSigningKey>? trusted)
    {
        using var keys = KeyRing.From(root, trusted);
        var problems = new List<VerificationProblem>();
        var count = 0;
        foreach (var entry in root.GetProperty("credentials").EnumerateArray())
        {
            var index = count++;
            var who = $"{Text(entry, "githubLogin") ?? Text(entry, "learnerId") ?? "?"}, {Text(entry, "competency")} {Text(entry, "level")}";
            var jwt = Text(entry, "jwt");
            var parsed = jwt is null ? null : CompactJws.Parse(jwt);
            if (parsed is not { } jws)
            {
                problems.Add(new VerificationProblem(index, "?", who, "not a compact JWS"));
                continue;
            }
            var id = Text(jws.Payload, "jti") ?? "?";
            if (Text(jws.Header, "alg") != EvidenceSigningKey.Algorithm)
            {
                problems.Add(new VerificationProblem(index, id, who, $"algorithm {Text(jws.Header, "alg")} is not ES256"));
                continue;
            }
            var kid = Text(jws.Header, "kid") ?? "";
            if (keys.Find(kid) is not { } key)
            {
                problems.Add(new VerificationProblem(index, id, who, keys.Missing(kid)));
                continue;
            }
            if (!CompactJws.VerifySignature(jws.SigningInput, jws.Signature, key))
            {
                problems.Add(new VerificationProblem(index, id, who, "the signature does not match: the credential was altered after it was signed"));
                continue;
            }
            var mismatch = ClaimMismatch(jws.Payload);
            if (mismatch is not null) problems.Add(new VerificationProblem(index, id, who, mismatch));
        }
        return new VerificationReport("openbadges", count, problems, keys.Ids, trusted is not null);
    }

    private static string? ClaimMismatch(JsonElement payload)
    {
        if (Text(payload, "iss") != (payload.TryGetProperty("issuer", out var issuer) ? Text(issuer, "id") : null)) return "iss does not match issuer.id";
        if (Text(payload, "jti") != Text(payload, "id")) return "jti does not match id";
        if (Text(payload, "sub") != (payload.TryGetProperty("credentialSubject", out var subject) ? Text(subject, "id") : null)) return "sub does not match credentialSubject.id";
        if (!payload.TryGetProperty("nbf", out var nbf) || !nbf.TryGetInt64(out var seconds) ||
            !DateTimeOffset.TryParse(Text(payload, "issuanceDate"), System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AssumeUniversal, out var issued) ||
            issued.ToUnixTimeSeconds() != seconds)
        {
            return "nbf does not match issuanceDate";
        }
        return null;
    }

    private static string? Text(JsonElement e, string name) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
}
