namespace Grader.Runner.Metrics;

/// <summary>Bounds of metrics scrapes (options pattern: section "Grader:Metrics").</summary>
public sealed class MetricsCheckOptions
{
    public const string SectionName = "Grader:Metrics";

    /// <summary>A metrics page larger than this is the learner's failure (Prometheus itself caps scrapes).</summary>
    public int MaxScrapeBytes { get; set; } = 4 << 20;

    public TimeSpan ScrapeTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Timeout of each request sent to make a counter increase.</summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(10);
}
