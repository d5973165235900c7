using System.Text.Json;
using Docker.DotNet;

namespace Grader.Runner.Docker;

/// <summary>
/// The container runtime refused to start a container because the image cannot run its command (not in the image,
/// not executable, wrong architecture). Whose fault that is depends on whose image it is: the caller decides.
/// </summary>
public sealed class ImageCommandUnavailableException : Exception
{
    public ImageCommandUnavailableException(string command, string runtimeMessage, Exception innerException)
        : base($"the command '{command}' cannot start in the image: {runtimeMessage}", innerException)
    {
        Command = command;
        RuntimeMessage = runtimeMessage;
    }

    public ImageCommandUnavailableException() : base("the command cannot start in the image") { }

    public ImageCommandUnavailableException(string message) : base(message) { }

    public ImageCommandUnavailableException(string message, Exception innerException) : base(message, innerException) { }

    public string Command { get; } = "";

    /// <summary>What the runtime said, e.g. <c>exec: "python3": executable file not found in $PATH</c>.</summary>
    public string RuntimeMessage { get; } = "";

    /// <summary>
    /// Whether a failed container start is the runtime refusing the image's command (runc: "unable to start container
    /// process: exec: ..." or "exec format error"), as opposed to the engine or the host failing.
    /// </summary>
    public static bool IsCommandRefusal(DockerApiException e)
    {
        ArgumentNullException.ThrowIfNull(e);
        var message = EngineMessage(e);
        return message.Contains("OCI runtime", StringComparison.Ordinal)
            && (message.Contains("exec: \"", StringComparison.Ordinal) || message.Contains("exec format error", StringComparison.Ordinal));
    }

    /// <summary>The runtime's own words, from <c>exec:</c> on, without the engine's wrapping and runc's suffix.</summary>
    public static string RuntimeWords(DockerApiException e)
    {
        ArgumentNullException.ThrowIfNull(e);
        var message = EngineMessage(e);
        var at = message.IndexOf("exec: \"", StringComparison.Ordinal);
        if (at < 0) at = message.IndexOf("exec format error", StringComparison.Ordinal);
        var words = (at < 0 ? message : message[at..]).Trim();
        return words.EndsWith(": unknown", StringComparison.Ordinal) ? words[..^": unknown".Length] : words;
    }

    /// <summary>The engine answers errors as <c>{"message": "..."}</c>; anything else is taken as it is.</summary>
    private static string EngineMessage(DockerApiException e)
    {
        var body = e.ResponseBody ?? "";
        try
        {
            using var json = JsonDocument.Parse(body);
            if (json.RootElement.ValueKind == JsonValueKind.Object && json.RootElement.TryGetProperty("message", out var m) && m.ValueKind == JsonValueKind.String)
                return m.GetString() ?? "";
        }
        catch (JsonException)
        {
            // Not JSON: use the text.
        }
        return body;
    }
}
