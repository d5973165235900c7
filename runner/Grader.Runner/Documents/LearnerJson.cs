using System.Globalization;
using System.Text.Json;

namespace Grader.Runner.Documents;

/// <summary>
/// Parses JSON a learner controls (a probe's response body, a benchmark's report) with a size cap checked before
/// parsing and a depth cap, and turns every syntax error into a located <see cref="LearnerFileException"/>.
/// </summary>
public static class LearnerJson
{
    /// <summary>Nesting accepted; System.Text.Json does not recurse, this bounds what reads the document afterwards.</summary>
    public const int MaxDepth = 64;

    private static readonly JsonDocumentOptions Options = new() { MaxDepth = MaxDepth };

    public static JsonDocument Parse(ReadOnlyMemory<byte> utf8, int maxBytes)
    {
        if (utf8.Length > maxBytes) throw TooLarge(utf8.Length, maxBytes, "bytes");
        try
        {
            return JsonDocument.Parse(utf8, Options);
        }
        catch (JsonException e)
        {
            throw Located(e);
        }
    }

    public static JsonDocument Parse(string json, int maxChars)
    {
        ArgumentNullException.ThrowIfNull(json);
        if (json.Length > maxChars) throw TooLarge(json.Length, maxChars, "characters");
        try
        {
            return JsonDocument.Parse(json, Options);
        }
        catch (JsonException e)
        {
            throw Located(e);
        }
    }

    private static LearnerFileException TooLarge(long size, long max, string unit) =>
        new(null, null, string.Create(CultureInfo.InvariantCulture, $"the JSON is {size:N0} {unit}; at most {max:N0} are read"));

    /// <summary>System.Text.Json's position is 0-based and its message repeats it ("... Path: $ | LineNumber: 0 | ..."); both are given once, 1-based.</summary>
    private static LearnerFileException Located(JsonException e)
    {
        var message = e.Message;
        var cut = message.IndexOf(" Path: ", StringComparison.Ordinal);
        if (cut < 0) cut = message.IndexOf(" LineNumber: ", StringComparison.Ordinal);
        var reason = cut > 0 ? message[..cut] : message;
        return e.LineNumber is { } line
            ? new LearnerFileException(line + 1, (e.BytePositionInLine ?? 0) + 1, reason)
            : new LearnerFileException(null, null, reason);
    }
}
