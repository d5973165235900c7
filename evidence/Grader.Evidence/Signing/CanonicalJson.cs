using System.Buffers;
using System.Text.Json;
using Grader.Evidence.Model;

namespace Grader.Evidence.Signing;

/// <summary>
/// The canonical form a record is signed over: compact JSON, object keys sorted by ordinal, numbers written as an
/// integer when integral and else in shortest round-trip form. Computed from the JSON itself, so a verifier needs
/// only the exported record, never the server or its types.
/// </summary>
public static class CanonicalJson
{
    public static byte[] Of(EvidenceRecord record) => Of(JsonSerializer.SerializeToElement(record, EvidenceJsonContext.Default.EvidenceRecord));

    public static byte[] Of(JsonElement element)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            Write(writer, element);
        }
        return buffer.WrittenSpan.ToArray();
    }

    private static void Write(Utf8JsonWriter writer, JsonElement element)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                writer.WriteStartObject();
                foreach (var property in element.EnumerateObject().OrderBy(p => p.Name, StringComparer.Ordinal))
                {
                    writer.WritePropertyName(property.Name);
                    Write(writer, property.Value);
                }
                writer.WriteEndObject();
                break;
            case JsonValueKind.Array:
                writer.WriteStartArray();
                foreach (var item in element.EnumerateArray()) Write(writer, item);
                writer.WriteEndArray();
                break;
            case JsonValueKind.Number:
                if (element.TryGetInt64(out var whole))
                {
                    writer.WriteNumberValue(whole);
                }
                else
                {
                    var d = element.GetDouble();
                    if (Math.Abs(d) < 9e15 && Math.Floor(d) == d) writer.WriteNumberValue((long)d);
                    else writer.WriteNumberValue(d);
                }
                break;
            case JsonValueKind.String:
                writer.WriteStringValue(element.GetString());
                break;
            case JsonValueKind.True:
            case JsonValueKind.False:
                writer.WriteBooleanValue(element.GetBoolean());
                break;
            default:
                writer.WriteNullValue();
                break;
        }
    }
}
