namespace Grader.GitHub.Http;

/// <summary>
/// Octokit's client methods take no CancellationToken; this carries the caller's token down to the HTTP handler
/// through the async flow, so cancelling a publish really aborts the request and any back-off wait. It also carries
/// whether the call may be repeated blindly (<see cref="RunOnceAsync{T}"/>).
/// </summary>
public static class GitHubCallScope
{
    private static readonly AsyncLocal<CancellationToken> Token = new();
    private static readonly AsyncLocal<bool> Once = new();

    public static CancellationToken Current => Token.Value;

    /// <summary>
    /// True inside <see cref="RunOnceAsync{T}"/>: the call adds something on GitHub (even a PATCH: check run
    /// annotations append), so after a 5xx, a timeout or a lost connection the HTTP layer must not send it again.
    /// </summary>
    public static bool NotRepeatable => Once.Value;

    public static Task<T> RunAsync<T>(Func<Task<T>> call, CancellationToken cancellationToken) =>
        RunAsync(call, once: false, cancellationToken);

    public static Task RunAsync(Func<Task> call, CancellationToken cancellationToken) =>
        RunAsync(async () =>
        {
            await call().ConfigureAwait(false);
            return true;
        }, once: false, cancellationToken);

    /// <summary>
    /// Runs a call that must not be repeated blindly. POSTs are never repeated blindly anyway; use this for other
    /// methods that add state. The caller looks up what GitHub stored before trying again.
    /// </summary>
    public static Task<T> RunOnceAsync<T>(Func<Task<T>> call, CancellationToken cancellationToken) =>
        RunAsync(call, once: true, cancellationToken);

    private static async Task<T> RunAsync<T>(Func<Task<T>> call, bool once, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var previous = (Token.Value, Once.Value);
        Token.Value = cancellationToken;
        Once.Value = once;
        try
        {
            return await call().ConfigureAwait(false);
        }
        finally
        {
            (Token.Value, Once.Value) = previous;
        }
    }
}
