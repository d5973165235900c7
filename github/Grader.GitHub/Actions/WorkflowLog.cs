using System.Text;

namespace Grader.GitHub.Actions;

/// <summary>
/// A GitHub Actions step's log in which only Grader's own commands are commands. Text (progress, build steps,
/// test output, messages, logs: anything that can carry learner-controlled text) is written between
/// <c>::stop-commands::TOKEN</c> and <c>::TOKEN::</c> with a fresh unguessable token, one physical line per
/// line, and each line is also neutralised (no leading <c>::</c>, no legacy <c>##[</c>, no control characters)
/// for readers that ignore stop-commands. Commands are resumed only around <see cref="WriteCommand"/> and when
/// the log is disposed, because the runner's stop state outlives the step and would swallow later steps' commands.
/// </summary>
public sealed class WorkflowLog(TextWriter output) : IDisposable
{
    private static readonly string[] LineBreaks = ["\r\n", "\r", "\n"];

    private readonly Lock _gate = new();
    private string? _stopToken;

    /// <summary>Writes text that may hold learner-controlled content; it never reaches the runner as a command.</summary>
    public void WriteText(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        lock (_gate)
        {
            if (_stopToken is null)
            {
                _stopToken = WorkflowCommands.NewStopToken();
                output.WriteLine(WorkflowCommands.StopCommands(_stopToken));
            }
            foreach (var line in text.Split(LineBreaks, StringSplitOptions.None))
            {
                output.WriteLine(Neutralise(line));
            }
            output.Flush();
        }
    }

    /// <summary>Writes one of Grader's own commands, built by <see cref="WorkflowCommands"/> (one line, data escaped).</summary>
    public void WriteCommand(string command)
    {
        ArgumentNullException.ThrowIfNull(command);
        if (!command.StartsWith("::", StringComparison.Ordinal) || command.AsSpan().IndexOfAny('\r', '\n') >= 0)
        {
            throw new ArgumentException("A workflow command is one line starting with '::' (build it with WorkflowCommands).", nameof(command));
        }
        lock (_gate)
        {
            Resume();
            output.WriteLine(command);
            output.Flush();
        }
    }

    /// <summary>Resumes command processing for whatever runs after this step.</summary>
    public void Dispose()
    {
        lock (_gate)
        {
            Resume();
            output.Flush();
        }
    }

    private void Resume()
    {
        if (_stopToken is null) return;
        output.WriteLine(WorkflowCommands.ResumeCommands(_stopToken));
        _stopToken = null;
    }

    /// <summary>One line the runner would not parse as a command even without stop-commands.</summary>
    internal static string Neutralise(string line)
    {
        var text = new StringBuilder(line.Length + 4);
        foreach (var c in line)
        {
            // Control characters (ANSI escapes included) could redraw or hide log lines.
            text.Append(char.IsControl(c) && c != '\t' ? '\uFFFD' : c);
        }
        // The runner finds a legacy command anywhere in a line, and a ::command after leading whitespace.
        text.Replace("##[", "## [");
        var start = 0;
        while (start < text.Length && char.IsWhiteSpace(text[start])) start++;
        if (start + 1 < text.Length && text[start] == ':' && text[start + 1] == ':') text.Insert(start + 1, ' ');
        return text.ToString();
    }
}
