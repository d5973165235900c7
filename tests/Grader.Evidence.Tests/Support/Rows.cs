using Grader.Evidence.Model;
using Grader.Evidence.Signing;
using Grader.Evidence.Store;

namespace Grader.Evidence.Tests.Support;

/// <summary>Stored rows without a database (for the report logic), numbered in the order given.</summary>
public static class Rows
{
    public static IReadOnlyList<EvidenceRow> From(params EvidenceRecord[] records)
    {
        using var key = EvidenceSigningKey.Generate();
        return records.Select((r, i) =>
        {
            var json = System.Text.Encoding.UTF8.GetString(CanonicalJson.Of(r));
            return EvidenceStore.ToRow(r, json, "sig", key.KeyId) with { Seq = i + 1 };
        }).ToList();
    }
}
