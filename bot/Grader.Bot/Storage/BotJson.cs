using System.Text.Json;
using System.Text.Json.Serialization;

namespace Grader.Bot.Storage;

/// <summary>The one JSON shape of what the bot stores and passes between its processes (outbox payloads, the worker protocol).</summary>
internal static class BotJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter() },
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        // Parsed from another process's output too: a bounded depth is enough for every shape the bot writes.
        MaxDepth = 32,
    };
}
