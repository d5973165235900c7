namespace Grader.GitHub.Http;

/// <summary>
/// Octokit's client methods take no CancellationToken; this carries the caller's token down to the HTTP handler
/// through the async flow, so cancelling a publish really aborts the request and any back-off wait.
/// </summary>
public static class GitHubCallScope
{
    private static readonly AsyncLocal<CancellationToken> Token = new();

    public static CancellationToken Current => Token.Value;

    public static async Task<T> RunAsync<T>(Func<Task<T>> call, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var previous = Token.Value;
        Token.Value = cancellationToken;
        try
        {
            return await call().ConfigureAwait(false);
        }
        finally
        {
            Token.Value = previous;
        }
    }

    public static Task RunAsync(Func<Task> call, CancellationToken cancellationToken) =>
        RunAsync(async () =>
        {
            await call().ConfigureAwait(false);
            return true;
        }, cancellationToken);
}
