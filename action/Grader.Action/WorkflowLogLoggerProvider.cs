using Grader.GitHub.Actions;
using Microsoft.Extensions.Logging;

namespace Grader.Action;

/// <summary>
/// Log messages of <c>grader action</c> as plain text of the workflow log: a message can quote learner
/// content (a file name, an error from the build), so it goes through <see cref="WorkflowLog.WriteText"/>
/// like every other line and can never be taken for a workflow command.
/// </summary>
public sealed class WorkflowLogLoggerProvider(WorkflowLog log) : ILoggerProvider
{
    public ILogger CreateLogger(string categoryName) => new Logger(log, categoryName);

    public void Dispose()
    {
        // The log belongs to the command that created it.
    }

    private sealed class Logger(WorkflowLog log, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            ArgumentNullException.ThrowIfNull(formatter);
            if (!IsEnabled(logLevel)) return;
            var message = formatter(state, exception);
            log.WriteText($"{logLevel.ToString().ToLowerInvariant()}: {category}: {message}{(exception is null ? "" : " (" + exception.GetType().Name + ": " + exception.Message + ")")}");
        }
    }
}
