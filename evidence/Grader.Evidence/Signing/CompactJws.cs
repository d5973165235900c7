using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Grader.Evidence.Signing;

/// <summary>
/// ES256 compact JWS (RFC 7515) with the evidence key: the VC-JWT proof of Open Badges credentials. The header carries
/// <c>kid</c> and the public key as <c>jwk</c> (never <c>d</c>), as Open Badges 3.0 asks.
/// </summary>
public static class CompactJws
{
    public static string Sign(JsonObject payload, EvidenceSigningKey key)
    {
        ArgumentNullException.ThrowIfNull(payload);
        ArgumentNullException.ThrowIfNull(key);
        var header = new JsonObject
        {
            ["alg"] = EvidenceSigningKey.Algorithm,
            ["typ"] = "JWT",
            ["kid"] = key.KeyId,
            ["jwk"] = PublicJwk(key),
        };
        var signingInput = Encode(header.ToJsonString()) + "." + Encode(payload.ToJsonString());
        return signingInput + "." + key.Sign(Encoding.ASCII.GetBytes(signingInput));
    }

    /// <summary>The public key as a JWK (kty, crv, x, y).</summary>
    public static JsonObject PublicJwk(EvidenceSigningKey key)
    {
        ArgumentNullException.ThrowIfNull(key);
        var p = key.Key.ExportParameters(false);
        return new JsonObject
        {
            ["kty"] = "EC",
            ["crv"] = "P-256",
            ["x"] = Base64Url.EncodeToString(p.Q.X),
            ["y"] = Base64Url.EncodeToString(p.Q.Y),
        };
    }

    /// <summary>Splits a compact JWS; null when it is not three base64url parts with JSON header and payload.</summary>
    public static (JsonElement Header, JsonElement Payload, string SigningInput, string Signature)? Parse(string jws)
    {
        var parts = jws.Split('.');
        if (parts.Length != 3) return null;
        try
        {
            var header = JsonDocument.Parse(Base64Url.DecodeFromChars(parts[0])).RootElement.Clone();
            var payload = JsonDocument.Parse(Base64Url.DecodeFromChars(parts[1])).RootElement.Clone();
            return (header, payload, parts[0] + "." + parts[1], parts[2]);
        }
        catch (Exception e) when (e is FormatException or JsonException)
        {
            return null;
        }
    }

    public static bool VerifySignature(string signingInput, string signature, EvidenceSigningKey key)
    {
        ArgumentNullException.ThrowIfNull(key);
        return key.Verify(Encoding.ASCII.GetBytes(signingInput), signature);
    }

    /// <summary>A public key from a JWK header (P-256 only).</summary>
    public static EvidenceSigningKey? KeyFromJwk(JsonElement jwk)
    {
        try
        {
            if (jwk.GetProperty("kty").GetString() != "EC" || jwk.GetProperty("crv").GetString() != "P-256") return null;
            using var ec = ECDsa.Create(new ECParameters
            {
                Curve = ECCurve.NamedCurves.nistP256,
                Q = new ECPoint { X = Base64Url.DecodeFromChars(jwk.GetProperty("x").GetString()), Y = Base64Url.DecodeFromChars(jwk.GetProperty("y").GetString()) },
            });
            return EvidenceSigningKey.FromPem(ec.ExportSubjectPublicKeyInfoPem(), "the credential's jwk header");
        }
        catch (Exception e) when (e is KeyNotFoundException or InvalidOperationException or FormatException or CryptographicException or InvalidDataException or ArgumentException)
        {
            return null;
        }
    }

    private static string Encode(string json) => Base64Url.EncodeToString(Encoding.UTF8.GetBytes(json));
}
