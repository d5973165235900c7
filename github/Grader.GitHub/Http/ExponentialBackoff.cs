namespace Grader.GitHub.Http;

/// <summary>The one exponential back-off of Grader's own retries (look-before-write, the outbox); Polly's HTTP retries use the same shape.</summary>
public static class ExponentialBackoff
{
    /// <summary><paramref name="first"/> after the first failed attempt, doubling per attempt, never above <paramref name="max"/>.</summary>
    public static TimeSpan After(int attempt, TimeSpan first, TimeSpan max)
    {
        var factor = Math.Pow(2, Math.Clamp(attempt - 1, 0, 30));
        return TimeSpan.FromTicks((long)Math.Min(first.Ticks * factor, max.Ticks));
    }
}
