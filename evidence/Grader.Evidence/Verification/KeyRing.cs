using System.Text.Json;
using Grader.Evidence.Signing;

namespace Grader.Evidence.Verification;

/// <summary>The keys a verification uses: the export's own, or only the trusted ones the caller pinned.</summary>
internal sealed class KeyRing : IDisposable
{
    private readonly Dictionary<string, EvidenceSigningKey> _keys;
    private readonly HashSet<string> _untrusted;
    private readonly List<EvidenceSigningKey> _owned;

    private KeyRing(Dictionary<string, EvidenceSigningKey> keys, HashSet<string> untrusted, List<EvidenceSigningKey> owned)
    {
        _keys = keys;
        _untrusted = untrusted;
        _owned = owned;
    }

    public IReadOnlyList<string> Ids => [.. _keys.Keys.Order(StringComparer.Ordinal)];

    public static KeyRing From(JsonElement root, IReadOnlyList<EvidenceSigningKey>? trusted)
    {
        var keys = new Dictionary<string, EvidenceSigningKey>(StringComparer.Ordinal);
        var untrusted = new HashSet<string>(StringComparer.Ordinal);
        var owned = new List<EvidenceSigningKey>();
        if (trusted is not null)
        {
            foreach (var key in trusted) keys[key.KeyId] = key;
        }
        if (root.TryGetProperty("keys", out var list) && list.ValueKind == JsonValueKind.Array)
        {
            foreach (var entry in list.EnumerateArray())
            {
                var pem = entry.TryGetProperty("publicKeyPem", out var p) ? p.GetString() : null;
                if (pem is null) continue;
                EvidenceSigningKey key;
                try
                {
                    key = EvidenceSigningKey.FromPem(pem, "the export's key list");
                }
                catch (InvalidDataException)
                {
                    continue;
                }
                // The id is computed from the key itself: a key list cannot relabel a key.
                if (trusted is not null)
                {
                    if (!keys.ContainsKey(key.KeyId)) untrusted.Add(key.KeyId);
                    key.Dispose();
                    continue;
                }
                owned.Add(key);
                keys.TryAdd(key.KeyId, key);
            }
        }
        return new KeyRing(keys, untrusted, owned);
    }

    public EvidenceSigningKey? Find(string keyId) => _keys.GetValueOrDefault(keyId);

    public string Missing(string keyId) => _untrusted.Contains(keyId)
        ? $"signed by key {keyId}, which is not one of the trusted keys"
        : $"signed by key {keyId}, which the export does not carry";

    public void Dispose()
    {
        foreach (var key in _owned) key.Dispose();
    }
}
