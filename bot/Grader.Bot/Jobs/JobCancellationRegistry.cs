using System.Collections.Concurrent;

namespace Grader.Bot.Jobs;

/// <summary>
/// The cancellation sources of the jobs running in this process, by job key: superseding or closing a PR
/// cancels its running job at once instead of waiting for Hangfire to notice the job was deleted.
/// </summary>
public sealed class JobCancellationRegistry
{
    private readonly ConcurrentDictionary<string, CancellationTokenSource> _running = new(StringComparer.Ordinal);

    /// <summary>Registers a running job; its token is cancelled by <see cref="Cancel"/> or by <paramref name="hangfireToken"/>.</summary>
    public Registration Register(string jobKey, CancellationToken hangfireToken)
    {
        var source = CancellationTokenSource.CreateLinkedTokenSource(hangfireToken);
        _running[jobKey] = source;
        return new Registration(this, jobKey, source);
    }

    /// <summary>Cancels the job if it runs here; false when it does not.</summary>
    public bool Cancel(string jobKey)
    {
        if (!_running.TryGetValue(jobKey, out var source))
        {
            return false;
        }

        source.Cancel();
        return true;
    }

    public bool IsRunning(string jobKey) => _running.ContainsKey(jobKey);

    public sealed class Registration(JobCancellationRegistry registry, string jobKey, CancellationTokenSource source) : IDisposable
    {
        public CancellationToken Token => source.Token;

        public void Dispose()
        {
            registry._running.TryRemove(new KeyValuePair<string, CancellationTokenSource>(jobKey, source));
            source.Dispose();
        }
    }
}
