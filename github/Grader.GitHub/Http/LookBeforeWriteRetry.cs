using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Grader.GitHub.Http;

/// <summary>
/// Writes that add something on GitHub (a check run, a review, check run annotations) are never repeated blindly:
/// GitHub may have stored a request whose answer was lost (a 502 after the write, a timeout, a dropped connection).
/// Each attempt looks up what GitHub holds, then writes only what is missing; after such an ambiguous failure of the
/// write it looks again, with back-off, so what it adds exists exactly once. A failing look-up is not retried here:
/// reads are retried by the HTTP layer already.
/// </summary>
public sealed partial class LookBeforeWriteRetry(IOptions<GitHubResilienceOptions> options, TimeProvider time, ILogger<LookBeforeWriteRetry> logger)
{
    /// <param name="what">What is written, for the log.</param>
    /// <param name="look">Reads what GitHub stored.</param>
    /// <param name="writeWhatIsMissing">Given what is stored, writes only what is missing.</param>
    public async Task<T> RunAsync<TStored, T>(
        string what,
        Func<CancellationToken, Task<TStored>> look,
        Func<TStored, CancellationToken, Task<T>> writeWhatIsMissing,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(look);
        ArgumentNullException.ThrowIfNull(writeWhatIsMissing);
        var settings = options.Value;
        for (var attempt = 1; ; attempt++)
        {
            var stored = await look(cancellationToken).ConfigureAwait(false);
            try
            {
                return await writeWhatIsMissing(stored, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (attempt <= settings.MaxRetries && TransientFailure.IsAmbiguous(ex, cancellationToken))
            {
                var delay = ExponentialBackoff.After(attempt, settings.BaseDelay, settings.MaxDelay);
                LogAmbiguous(logger, what, attempt, delay, SecretRedactor.Describe(ex));
                await Task.Delay(delay, time, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    [LoggerMessage(EventId = 2102, Level = LogLevel.Warning, Message = "Writing {What} failed in a way GitHub may have stored it (attempt {Attempt}): {Reason}; looking at what GitHub holds in {Delay} before writing what is missing")]
    private static partial void LogAmbiguous(ILogger logger, string what, int attempt, TimeSpan delay, string reason);
}
