using System.Globalization;
using System.Text;

namespace Grader.Runner.Metrics;

/// <summary>
/// Parser for the Prometheus text exposition format 0.0.4. Scraped text comes from learner services, so
/// every malformed line is a <see cref="PrometheusFormatException"/> naming the line, never a crash.
/// </summary>
/// <remarks>
/// Follows the format's rules: <c># HELP</c> (escapes <c>\\</c>, <c>\n</c>) and <c># TYPE</c> lines, at
/// most one of each per name and TYPE before the name's samples; other <c>#</c> lines and blank lines are
/// ignored; label values escape <c>\"</c>, <c>\\</c>, <c>\n</c> and may hold commas and braces; values
/// take <c>NaN</c>, <c>+Inf</c>, <c>-Inf</c> and exponents; an optional integer timestamp (ms) follows.
/// Samples named <c>x_bucket</c>/<c>x_sum</c>/<c>x_count</c> join histogram <c>x</c>, <c>x_sum</c>/<c>x_count</c>
/// join summary <c>x</c>; samples without a TYPE form untyped families. Lenient where Prometheus is: a
/// trailing comma in a label set, CRLF line ends, blanks and tabs between tokens. A page is bounded by
/// <see cref="PrometheusLimits"/> (size, lines, line length, labels per series, series and families): a page past
/// a bound is a format error at the line that passed it, checked before the line is parsed.
/// </remarks>
public static class PrometheusTextParser
{
    private sealed class FamilyBuilder(string name)
    {
        public string Name { get; } = name;
        public MetricType Type { get; set; } = MetricType.Untyped;
        public bool TypeDeclared { get; set; }
        public string? Help { get; set; }
        public List<MetricSample> Samples { get; } = [];
    }

    public static MetricsExposition Parse(string text) => Parse(text, PrometheusLimits.Default);

    public static MetricsExposition Parse(string text, PrometheusLimits limits)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(limits);
        if (text.Length > limits.MaxChars)
        {
            throw new PrometheusFormatException(1, Invariant($"the page is {text.Length:N0} characters; at most {limits.MaxChars:N0} are read"));
        }
        var families = new Dictionary<string, FamilyBuilder>(StringComparer.Ordinal);
        var order = new List<FamilyBuilder>();
        var lineNumber = 0;
        var series = 0;
        // Lines are cut one at a time (no Split of the whole page) and measured before they are copied.
        for (var start = 0; start <= text.Length; start++)
        {
            var end = text.IndexOf('\n', start);
            if (end < 0) end = text.Length;
            lineNumber++;
            if (lineNumber > limits.MaxLines) throw new PrometheusFormatException(lineNumber, Invariant($"the page has more than {limits.MaxLines:N0} lines"));
            var length = end > start && text[end - 1] == '\r' ? end - start - 1 : end - start;
            if (length > limits.MaxLineLength)
            {
                throw new PrometheusFormatException(lineNumber, Invariant($"the line is {length:N0} characters long; at most {limits.MaxLineLength:N0} are accepted"));
            }
            var line = text.Substring(start, length);
            start = end;
            var first = SkipBlanks(line, 0);
            if (first == line.Length) continue;
            if (line[first] == '#')
            {
                ParseComment(line, first + 1, lineNumber, families, order, limits);
            }
            else
            {
                if (++series > limits.MaxSeries) throw new PrometheusFormatException(lineNumber, Invariant($"the page has more than {limits.MaxSeries:N0} series"));
                var sample = ParseSample(line, first, lineNumber, limits);
                var family = FamilyFor(sample.Name, families, order, limits, lineNumber);
                Validate(family, sample, lineNumber);
                family.Samples.Add(sample);
            }
        }
        return new MetricsExposition([.. order.Select(f => new MetricFamily(f.Name, f.Type, f.Help, f.Samples))]);
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    private static void ParseComment(string line, int i, int lineNumber, Dictionary<string, FamilyBuilder> families, List<FamilyBuilder> order, PrometheusLimits limits)
    {
        i = SkipBlanks(line, i);
        var keywordEnd = ReadUntilBlank(line, i);
        var keyword = line[i..keywordEnd];
        if (keyword is not ("HELP" or "TYPE")) return; // an ordinary comment
        i = SkipBlanks(line, keywordEnd);
        if (i == line.Length) return; // "# HELP" alone is a comment too
        var nameEnd = ReadMetricName(line, i);
        if (nameEnd == i || (nameEnd < line.Length && !IsBlank(line[nameEnd])))
            throw new PrometheusFormatException(lineNumber, $"# {keyword} needs a valid metric name");
        var name = line[i..nameEnd];
        var family = GetOrAdd(name, families, order, limits, lineNumber);
        var rest = line[SkipBlanks(line, nameEnd)..];
        if (keyword == "HELP")
        {
            if (family.Help is not null) throw new PrometheusFormatException(lineNumber, $"second HELP line for {name}");
            family.Help = UnescapeHelp(rest, lineNumber);
            return;
        }
        if (family.TypeDeclared) throw new PrometheusFormatException(lineNumber, $"second TYPE line for {name}");
        if (family.Samples.Count > 0) throw new PrometheusFormatException(lineNumber, $"TYPE line for {name} after its samples");
        family.Type = rest.Trim(' ', '\t') switch
        {
            "counter" => MetricType.Counter,
            "gauge" => MetricType.Gauge,
            "histogram" => MetricType.Histogram,
            "summary" => MetricType.Summary,
            "untyped" => MetricType.Untyped,
            var other => throw new PrometheusFormatException(lineNumber, $"unknown metric type '{Excerpt(other)}' for {name} (expected counter, gauge, histogram, summary or untyped)"),
        };
        family.TypeDeclared = true;
    }

    private static MetricSample ParseSample(string line, int i, int lineNumber, PrometheusLimits limits)
    {
        var nameEnd = ReadMetricName(line, i);
        if (nameEnd == i) throw new PrometheusFormatException(lineNumber, $"expected a metric name, found '{Excerpt(line[i..])}'");
        var name = line[i..nameEnd];
        i = SkipBlanks(line, nameEnd);
        var labels = new Dictionary<string, string>(StringComparer.Ordinal);
        if (i < line.Length && line[i] == '{')
        {
            i = ParseLabels(line, i + 1, lineNumber, labels, limits.MaxLabelsPerSeries);
            i = SkipBlanks(line, i);
        }
        else if (i == nameEnd && i < line.Length)
        {
            throw new PrometheusFormatException(lineNumber, $"unexpected character '{line[i]}' after metric name {name}");
        }
        if (i == line.Length) throw new PrometheusFormatException(lineNumber, $"sample {name} has no value");
        var valueEnd = ReadUntilBlank(line, i);
        var value = ParseValue(line[i..valueEnd], lineNumber);
        i = SkipBlanks(line, valueEnd);
        long? timestamp = null;
        if (i < line.Length)
        {
            var timestampEnd = ReadUntilBlank(line, i);
            if (!long.TryParse(line.AsSpan(i, timestampEnd - i), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var ts))
                throw new PrometheusFormatException(lineNumber, $"timestamp '{Excerpt(line[i..timestampEnd])}' of {name} is not an integer (milliseconds)");
            timestamp = ts;
            if (SkipBlanks(line, timestampEnd) != line.Length)
                throw new PrometheusFormatException(lineNumber, $"unexpected text after the timestamp of {name}");
        }
        return new MetricSample(name, labels, value, timestamp);
    }

    /// <summary>Reads <c>name="value", ...}</c> from just after the opening brace; returns the index after the closing brace.</summary>
    private static int ParseLabels(string line, int i, int lineNumber, Dictionary<string, string> labels, int maxLabels)
    {
        while (true)
        {
            i = SkipBlanks(line, i);
            if (i == line.Length) throw new PrometheusFormatException(lineNumber, "label set is not closed with '}'");
            if (line[i] == '}') return i + 1;
            var nameEnd = ReadLabelName(line, i);
            if (nameEnd == i) throw new PrometheusFormatException(lineNumber, $"expected a label name, found '{Excerpt(line[i..])}'");
            var label = line[i..nameEnd];
            i = SkipBlanks(line, nameEnd);
            if (i == line.Length || line[i] != '=') throw new PrometheusFormatException(lineNumber, $"expected '=' after label {label}");
            i = SkipBlanks(line, i + 1);
            if (i == line.Length || line[i] != '"') throw new PrometheusFormatException(lineNumber, $"value of label {label} must be in double quotes");
            var (value, next) = ReadQuoted(line, i + 1, lineNumber, label);
            if (!labels.TryAdd(label, value)) throw new PrometheusFormatException(lineNumber, $"label {label} appears twice");
            if (labels.Count > maxLabels) throw new PrometheusFormatException(lineNumber, $"the series has more than {maxLabels} labels");
            i = SkipBlanks(line, next);
            if (i == line.Length) throw new PrometheusFormatException(lineNumber, "label set is not closed with '}'");
            if (line[i] == ',') { i++; continue; }
            if (line[i] == '}') return i + 1;
            throw new PrometheusFormatException(lineNumber, $"expected ',' or '}}' after the value of label {label}, found '{line[i]}'");
        }
    }

    private static (string Value, int Next) ReadQuoted(string line, int i, int lineNumber, string label)
    {
        var value = new StringBuilder();
        while (i < line.Length)
        {
            var c = line[i];
            if (c == '"') return (value.ToString(), i + 1);
            if (c == '\\')
            {
                if (i + 1 == line.Length) break;
                value.Append(line[i + 1] switch
                {
                    '\\' => '\\',
                    '"' => '"',
                    'n' => '\n',
                    var other => throw new PrometheusFormatException(lineNumber, $"invalid escape '\\{other}' in the value of label {label}"),
                });
                i += 2;
                continue;
            }
            value.Append(c);
            i++;
        }
        throw new PrometheusFormatException(lineNumber, $"value of label {label} has no closing quote");
    }

    private static string UnescapeHelp(string text, int lineNumber)
    {
        var help = new StringBuilder(text.Length);
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] != '\\')
            {
                help.Append(text[i]);
                continue;
            }
            if (i + 1 == text.Length) throw new PrometheusFormatException(lineNumber, "HELP text ends with a lone backslash");
            help.Append(text[i + 1] switch
            {
                '\\' => '\\',
                'n' => '\n',
                var other => throw new PrometheusFormatException(lineNumber, $"invalid escape '\\{other}' in HELP text"),
            });
            i++;
        }
        return help.ToString();
    }

    private static double ParseValue(string token, int lineNumber)
    {
        switch (token.ToUpperInvariant())
        {
            case "NAN": return double.NaN;
            case "+INF" or "INF": return double.PositiveInfinity;
            case "-INF": return double.NegativeInfinity;
        }
        return double.TryParse(token, NumberStyles.Float, CultureInfo.InvariantCulture, out var value)
            ? value
            : throw new PrometheusFormatException(lineNumber, $"'{Excerpt(token)}' is not a number");
    }

    /// <summary>The declared family a sample belongs to (by name, or by histogram/summary suffix), else an untyped one of its own.</summary>
    private static FamilyBuilder FamilyFor(string sampleName, Dictionary<string, FamilyBuilder> families, List<FamilyBuilder> order, PrometheusLimits limits, int lineNumber)
    {
        if (families.TryGetValue(sampleName, out var exact)) return exact;
        foreach (var (suffix, types) in Suffixes)
        {
            if (!sampleName.EndsWith(suffix, StringComparison.Ordinal)) continue;
            if (families.TryGetValue(sampleName[..^suffix.Length], out var parent) && types.Contains(parent.Type)) return parent;
        }
        return GetOrAdd(sampleName, families, order, limits, lineNumber);
    }

    private static readonly (string Suffix, MetricType[] Types)[] Suffixes =
    [
        ("_bucket", [MetricType.Histogram]),
        ("_sum", [MetricType.Histogram, MetricType.Summary]),
        ("_count", [MetricType.Histogram, MetricType.Summary]),
    ];

    private static void Validate(FamilyBuilder family, MetricSample sample, int lineNumber)
    {
        if (family.Type == MetricType.Histogram && sample.Name == family.Name + "_bucket")
        {
            if (!sample.Labels.TryGetValue("le", out var le))
                throw new PrometheusFormatException(lineNumber, $"histogram bucket {sample.Name} has no 'le' label");
            _ = ParseValue(le, lineNumber);
        }
        else if (family.Type == MetricType.Histogram && sample.Name == family.Name)
        {
            throw new PrometheusFormatException(lineNumber, $"histogram {family.Name} has a sample without _bucket, _sum or _count");
        }
        else if (family.Type == MetricType.Summary && sample.Name == family.Name)
        {
            if (!sample.Labels.TryGetValue("quantile", out var quantile))
                throw new PrometheusFormatException(lineNumber, $"summary {family.Name} has a sample without a 'quantile' label");
            _ = ParseValue(quantile, lineNumber);
        }
    }

    private static FamilyBuilder GetOrAdd(string name, Dictionary<string, FamilyBuilder> families, List<FamilyBuilder> order, PrometheusLimits limits, int lineNumber)
    {
        if (families.TryGetValue(name, out var family)) return family;
        if (families.Count >= limits.MaxSeries) throw new PrometheusFormatException(lineNumber, Invariant($"the page has more than {limits.MaxSeries:N0} metric families"));
        family = new FamilyBuilder(name);
        families.Add(name, family);
        order.Add(family);
        return family;
    }

    private static int ReadMetricName(string line, int i)
    {
        if (i >= line.Length || !(char.IsAsciiLetter(line[i]) || line[i] is '_' or ':')) return i;
        i++;
        while (i < line.Length && (char.IsAsciiLetterOrDigit(line[i]) || line[i] is '_' or ':')) i++;
        return i;
    }

    private static int ReadLabelName(string line, int i)
    {
        if (i >= line.Length || !(char.IsAsciiLetter(line[i]) || line[i] == '_')) return i;
        i++;
        while (i < line.Length && (char.IsAsciiLetterOrDigit(line[i]) || line[i] == '_')) i++;
        return i;
    }

    private static bool IsBlank(char c) => c is ' ' or '\t';

    private static int SkipBlanks(string line, int i)
    {
        while (i < line.Length && IsBlank(line[i])) i++;
        return i;
    }

    private static int ReadUntilBlank(string line, int i)
    {
        while (i < line.Length && !IsBlank(line[i])) i++;
        return i;
    }

    private static string Excerpt(string text) => text.Length <= 40 ? text : text[..40] + "...";
}
