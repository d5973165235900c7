using System.Text.Json;
using System.Text.Json.Serialization;

namespace Grader.Evidence.Model;

/// <summary>The JSON form of evidence records (camelCase, nulls left out), source-generated.</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    IgnoreReadOnlyProperties = true)]
[JsonSerializable(typeof(EvidenceRecord))]
internal sealed partial class EvidenceJsonContext : JsonSerializerContext;

public static class EvidenceJson
{
    public static JsonSerializerOptions Options => EvidenceJsonContext.Default.Options;

    public static string Serialize(EvidenceRecord record) => JsonSerializer.Serialize(record, EvidenceJsonContext.Default.EvidenceRecord);

    /// <exception cref="JsonException">Not an evidence record.</exception>
    public static EvidenceRecord Deserialize(string json) =>
        JsonSerializer.Deserialize(json, EvidenceJsonContext.Default.EvidenceRecord) ?? throw new JsonException("null is not an evidence record");
}
