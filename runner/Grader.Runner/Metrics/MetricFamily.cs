namespace Grader.Runner.Metrics;

public enum MetricType
{
    Untyped,
    Counter,
    Gauge,
    Histogram,
    Summary,
}

/// <summary>One sample line: its own name (e.g. <c>x_bucket</c> within family <c>x</c>), labels, value and optional timestamp (ms).</summary>
public sealed record MetricSample(string Name, IReadOnlyDictionary<string, string> Labels, double Value, long? TimestampMs);

/// <summary>A metric family: the samples sharing one TYPE (histogram buckets, sums and counts grouped under the histogram's name).</summary>
public sealed record MetricFamily(string Name, MetricType Type, string? Help, IReadOnlyList<MetricSample> Samples)
{
    /// <summary>Label names that tell series apart, excluding the ones the type adds itself (<c>le</c>, <c>quantile</c>).</summary>
    public IEnumerable<IReadOnlyCollection<string>> SeriesLabelNames() =>
        Samples.Select(s => (IReadOnlyCollection<string>)s.Labels.Keys.Where(k => !IsStructuralLabel(k)).ToArray());

    /// <summary>
    /// The family's total: the sum of its samples for counters, gauges and untyped metrics, and of the
    /// <c>_count</c> samples (observations) for histograms and summaries. NaN samples are skipped.
    /// </summary>
    public double Total()
    {
        var countName = Name + "_count";
        var relevant = Type is MetricType.Histogram or MetricType.Summary
            ? Samples.Where(s => s.Name == countName)
            : Samples.Where(s => s.Name == Name);
        return relevant.Where(s => !double.IsNaN(s.Value)).Sum(s => s.Value);
    }

    private bool IsStructuralLabel(string label) =>
        (Type == MetricType.Histogram && label == "le") || (Type == MetricType.Summary && label == "quantile");
}

/// <summary>A parsed scrape.</summary>
public sealed record MetricsExposition(IReadOnlyList<MetricFamily> Families)
{
    /// <summary>
    /// The family named <paramref name="name"/>; a counter is also found by its name with or without the
    /// <c>_total</c> suffix, since exporters differ in which one they declare.
    /// </summary>
    public MetricFamily? Find(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        var exact = Families.FirstOrDefault(f => f.Name == name);
        if (exact is not null) return exact;
        var alternative = name.EndsWith("_total", StringComparison.Ordinal) ? name[..^"_total".Length] : name + "_total";
        return Families.FirstOrDefault(f => f.Name == alternative && f.Type == MetricType.Counter);
    }
}

/// <summary>The scraped text is not valid exposition format; <see cref="LineNumber"/> says where (1-based).</summary>
public sealed class PrometheusFormatException : FormatException
{
    public PrometheusFormatException(int lineNumber, string reason) : base($"line {lineNumber}: {reason}")
    {
        LineNumber = lineNumber;
        Reason = reason;
    }

    public PrometheusFormatException() { }

    public PrometheusFormatException(string message) : base(message) { }

    public PrometheusFormatException(string message, Exception innerException) : base(message, innerException) { }

    public int LineNumber { get; }

    public string? Reason { get; }
}

/// <summary>
/// Bounds of a metrics page (a learner's service writes it): characters, lines, one line's length, labels of a
/// series, series (samples) and metric families. Prometheus itself bounds scrapes similarly (body size, sample
/// and label limits per scrape config).
/// </summary>
public sealed record PrometheusLimits
{
    public static readonly PrometheusLimits Default = new();

    public int MaxChars { get; init; } = 16 << 20;

    public int MaxLines { get; init; } = 500_000;

    public int MaxLineLength { get; init; } = 64 << 10;

    public int MaxLabelsPerSeries { get; init; } = 64;

    public int MaxSeries { get; init; } = 100_000;
}
