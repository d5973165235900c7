using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Grader.GitHub.Tests.Support;

public sealed record CapturedLog(string Category, LogLevel Level, EventId EventId, string Message, string? Exception, IReadOnlyList<KeyValuePair<string, object?>> State);

/// <summary>Keeps every log entry written through the real logging pipeline, for assertions on what was logged.</summary>
public sealed class CapturedLogs : ILoggerProvider
{
    private readonly ConcurrentQueue<CapturedLog> _entries = new();

    public IReadOnlyList<CapturedLog> Entries => _entries.ToList();

    public ILogger CreateLogger(string categoryName) => new Logger(categoryName, _entries);

    public void Dispose()
    {
    }

    private sealed class Logger(string category, ConcurrentQueue<CapturedLog> entries) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var values = state as IReadOnlyList<KeyValuePair<string, object?>> ?? [];
            entries.Enqueue(new CapturedLog(category, logLevel, eventId, formatter(state, exception), exception?.ToString(), values.ToList()));
        }
    }
}
