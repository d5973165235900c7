using System.Text;

namespace Grader.GitHub.Actions;

/// <summary>
/// A <see cref="TextWriter"/> whose every line goes to <see cref="WorkflowLog.WriteText"/>: for writers that
/// format their own output (a console renderer, <see cref="Console.Out"/> and <see cref="Console.Error"/> of
/// <c>grader action</c>), so nothing they print can become a workflow command.
/// </summary>
/// <param name="ownsLog">Dispose <paramref name="log"/> (resuming commands) when this writer is disposed.</param>
public sealed class WorkflowLogWriter(WorkflowLog log, bool ownsLog = false) : TextWriter
{
    private readonly StringBuilder _line = new();
    private readonly Lock _gate = new();

    public override Encoding Encoding => Encoding.UTF8;

    public override void Write(char value)
    {
        lock (_gate)
        {
            if (value == '\n')
            {
                EmitLine();
                return;
            }
            _line.Append(value);
        }
    }

    public override void Write(string? value)
    {
        if (value is null) return;
        lock (_gate)
        {
            foreach (var c in value)
            {
                if (c == '\n') EmitLine();
                else _line.Append(c);
            }
        }
    }

    public override void Write(char[] buffer, int index, int count) => Write(new string(buffer, index, count));

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            lock (_gate)
            {
                if (_line.Length > 0) EmitLine();
            }
            if (ownsLog) log.Dispose();
        }
        base.Dispose(disposing);
    }

    private void EmitLine()
    {
        // WriteText splits on a lone CR too, so "\r\n" line ends need no special case beyond dropping the CR.
        if (_line.Length > 0 && _line[^1] == '\r') _line.Length--;
        log.WriteText(_line.ToString());
        _line.Clear();
    }
}
