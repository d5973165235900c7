using System.Diagnostics;

namespace Grader.Runner.Service;

/// <summary>
/// Polls a condition until it holds or a deadline passes, with a short growing backoff. Waiting on a
/// condition with a deadline (not a fixed sleep) is how readiness and recovery are observed.
/// </summary>
internal static class PollingDeadline
{
    private static readonly TimeSpan FirstDelay = TimeSpan.FromMilliseconds(50);
    private static readonly TimeSpan MaxDelay = TimeSpan.FromMilliseconds(500);

    /// <summary>Returns the elapsed time when <paramref name="condition"/> first held, or null at the deadline.</summary>
    public static async Task<TimeSpan?> UntilAsync(Func<CancellationToken, Task<bool>> condition, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var watch = Stopwatch.StartNew();
        return await UntilAsync(condition, watch, timeout, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>As <see cref="UntilAsync(Func{CancellationToken, Task{bool}}, TimeSpan, CancellationToken)"/> with a clock already running (e.g. since a fault was injected).</summary>
    public static async Task<TimeSpan?> UntilAsync(Func<CancellationToken, Task<bool>> condition, Stopwatch clock, TimeSpan timeout, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(condition);
        ArgumentNullException.ThrowIfNull(clock);
        var delay = FirstDelay;
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (await condition(cancellationToken).ConfigureAwait(false)) return clock.Elapsed;
            var left = timeout - clock.Elapsed;
            if (left <= TimeSpan.Zero) return null;
            await Task.Delay(delay < left ? delay : left, cancellationToken).ConfigureAwait(false);
            delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, MaxDelay.Ticks));
        }
    }
}
