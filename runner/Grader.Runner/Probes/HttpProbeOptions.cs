namespace Grader.Runner.Probes;

/// <summary>Bounds of HTTP probes (options pattern: section "Grader:Probes").</summary>
public sealed class HttpProbeOptions
{
    public const string SectionName = "Grader:Probes";

    /// <summary>The whole exchange must finish within this, whatever the latency ceiling.</summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Response body bytes read at most.</summary>
    public int MaxBodyBytes { get; set; } = 1 << 20;

    /// <summary>Body excerpt kept for feedback (characters).</summary>
    public int BodyExcerptChars { get; set; } = 500;

    /// <summary>Limit for one body regex match when the pattern needs the backtracking engine.</summary>
    public TimeSpan RegexTimeout { get; set; } = TimeSpan.FromMilliseconds(250);
}
