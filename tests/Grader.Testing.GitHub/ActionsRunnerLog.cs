namespace Grader.Testing.GitHub;

/// <summary>A workflow command as the Actions runner processed it from a step's output.</summary>
public sealed record ProcessedCommand(string Name, IReadOnlyDictionary<string, string> Properties, string Data, string Line);

/// <summary>
/// Reads a step's output the way actions/runner does (Runner.Worker ActionCommandManager.TryProcessCommand and
/// Runner.Common ActionCommand.TryParseV2/TryParse): lines split as StreamReader.ReadLine splits them (CR, LF,
/// CRLF); <c>::name props::data</c> after leading whitespace, else the legacy <c>##[name props]data</c> anywhere
/// in the line; only registered command names count, case-insensitively; <c>::stop-commands::TOKEN</c> ignores
/// every command until one named TOKEN. Used to assert what a hostile submission could make the runner do.
/// </summary>
public sealed class ActionsRunnerLog
{
    private static readonly string[] Registered =
    [
        "add-mask", "set-output", "set-env", "add-path", "save-state", "error", "warning", "notice", "debug",
        "group", "endgroup", "echo", "add-matcher", "remove-matcher", "stop-commands",
    ];

    private ActionsRunnerLog(IReadOnlyList<ProcessedCommand> commands, IReadOnlyList<string> stopTokens, bool stoppedAtEnd)
    {
        Commands = commands;
        StopTokens = stopTokens;
        StoppedAtEnd = stoppedAtEnd;
    }

    /// <summary>Commands the runner would have carried out, stop and resume excluded.</summary>
    public IReadOnlyList<ProcessedCommand> Commands { get; }

    /// <summary>The tokens of the <c>stop-commands</c> the runner honoured, in order.</summary>
    public IReadOnlyList<string> StopTokens { get; }

    /// <summary>Whether command processing was still stopped after the last line (later steps' commands would be lost).</summary>
    public bool StoppedAtEnd { get; }

    /// <param name="honourStopCommands">false: read as a runner without stop-commands support would (no pause at all).</param>
    public static ActionsRunnerLog Read(string output, bool honourStopCommands = true)
    {
        ArgumentNullException.ThrowIfNull(output);
        var registered = new HashSet<string>(Registered, StringComparer.OrdinalIgnoreCase);
        if (!honourStopCommands) registered.Remove("stop-commands");
        var commands = new List<ProcessedCommand>();
        var tokens = new List<string>();
        string? stopToken = null;
        foreach (var line in output.Split(["\r\n", "\r", "\n"], StringSplitOptions.None))
        {
            if (!TryParseV2(line, registered, out var command) && !TryParseV1(line, registered, out command)) continue;
            if (stopToken is not null)
            {
                if (string.Equals(command!.Name, stopToken, StringComparison.OrdinalIgnoreCase))
                {
                    registered.Remove(stopToken);
                    stopToken = null;
                }
                continue;
            }
            if (string.Equals(command!.Name, "stop-commands", StringComparison.OrdinalIgnoreCase))
            {
                stopToken = command.Data;
                tokens.Add(stopToken);
                registered.Add(stopToken);
                continue;
            }
            commands.Add(command);
        }
        return new ActionsRunnerLog(commands, tokens, stopToken is not null);
    }

    private static bool TryParseV2(string line, HashSet<string> registered, out ProcessedCommand? command)
    {
        command = null;
        var message = line.TrimStart();
        if (!message.StartsWith("::", StringComparison.Ordinal)) return false;
        var end = message.IndexOf("::", 2, StringComparison.Ordinal);
        if (end < 0) return false;
        var info = message[2..end];
        var space = info.IndexOf(' ', StringComparison.Ordinal);
        var name = space < 0 ? info : info[..space];
        if (name.Length == 0 || !registered.Contains(name)) return false;
        var properties = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        if (space > 0)
        {
            foreach (var property in info[(space + 1)..].Trim().Split(',', StringSplitOptions.RemoveEmptyEntries))
            {
                var pair = property.Split('=', 2, StringSplitOptions.RemoveEmptyEntries);
                if (pair.Length == 2) properties[pair[0]] = Unescape(pair[1], property: true);
            }
        }
        command = new ProcessedCommand(name, properties, Unescape(message[(end + 2)..], property: false), line);
        return true;
    }

    private static bool TryParseV1(string line, HashSet<string> registered, out ProcessedCommand? command)
    {
        command = null;
        var prefix = line.IndexOf("##[", StringComparison.Ordinal);
        if (prefix < 0) return false;
        var close = line.IndexOf(']', prefix);
        if (close < 0) return false;
        var info = line[(prefix + 3)..close];
        var space = info.IndexOf(' ', StringComparison.Ordinal);
        var name = space < 0 ? info : info[..space];
        if (name.Length == 0 || !registered.Contains(name)) return false;
        var properties = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        if (space > 0)
        {
            foreach (var property in info[(space + 1)..].Split(';', StringSplitOptions.RemoveEmptyEntries))
            {
                var pair = property.Split('=', 2, StringSplitOptions.RemoveEmptyEntries);
                if (pair.Length == 2) properties[pair[0]] = UnescapeV1(pair[1]);
            }
        }
        command = new ProcessedCommand(name, properties, UnescapeV1(line[(close + 1)..]), line);
        return true;
    }

    // The runner's unescape order: CR, LF, (':' and ',' for properties), then '%' last.
    private static string Unescape(string value, bool property)
    {
        value = value.Replace("%0D", "\r", StringComparison.Ordinal).Replace("%0A", "\n", StringComparison.Ordinal);
        if (property) value = value.Replace("%3A", ":", StringComparison.Ordinal).Replace("%2C", ",", StringComparison.Ordinal);
        return value.Replace("%25", "%", StringComparison.Ordinal);
    }

    private static string UnescapeV1(string value) => value
        .Replace("%3B", ";", StringComparison.Ordinal).Replace("%0D", "\r", StringComparison.Ordinal)
        .Replace("%0A", "\n", StringComparison.Ordinal).Replace("%5D", "]", StringComparison.Ordinal)
        .Replace("%25", "%", StringComparison.Ordinal);
}
