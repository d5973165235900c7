using System.Globalization;
using System.Text;
using System.Text.Json;
using Grader.Rubrics.Model;
using Grader.Runner.Documents;

namespace Grader.Runner.Benchmarks.Formats;

/// <summary>
/// Reads a benchmark tool's JSON report into <see cref="BenchmarkMeasurement"/>s. Every format error is a
/// <see cref="BenchmarkOutputException"/> that says what was wrong and where, with an excerpt.
/// </summary>
public static class BenchmarkOutputParser
{
    private const int ExcerptChars = 400;

    /// <summary>A benchmark's report or output larger than this is not parsed (the sandbox bounds output and copied files too).</summary>
    public const int MaxChars = 16 << 20;

    /// <summary>Lines starting with '{' that turned out not to start the report: each such try may read to the end of the output.</summary>
    private const int MaxFailedCandidates = 256;

    public static IReadOnlyList<BenchmarkMeasurement> Parse(BenchmarkFormat format, string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        using var document = ParseDocument(json);
        var root = document.RootElement;
        if (root.ValueKind != JsonValueKind.Object) throw Error($"the benchmark output is a JSON {root.ValueKind.ToString().ToLowerInvariant()}, not an object", json);
        try
        {
            var measurements = format switch
            {
                BenchmarkFormat.PytestBenchmark => PytestBenchmarkFormat.Read(root),
                BenchmarkFormat.GoogleBenchmark => GoogleBenchmarkFormat.Read(root),
                BenchmarkFormat.BenchmarkDotNet => BenchmarkDotNetFormat.Read(root),
                _ => GenericBenchmarkFormat.Read(root),
            };
            if (measurements.Count == 0) throw new BenchmarkOutputException("the benchmark output lists no benchmarks");
            return measurements;
        }
        catch (BenchmarkOutputException ex)
        {
            throw Error(ex.Message, json);
        }
        catch (InvalidOperationException ex)
        {
            // JsonElement accessors throw this for a value of the wrong JSON type.
            throw Error($"unexpected JSON type in the {FormatName(format)} output: {ex.Message}", json);
        }
    }

    /// <summary>
    /// The benchmark's JSON from a command's output, which may have log lines before or after it: the
    /// first JSON object that starts at the beginning of a line and parses completely.
    /// </summary>
    public static string ExtractJsonFromOutput(string output)
    {
        ArgumentNullException.ThrowIfNull(output);
        if (output.Length > MaxChars) throw Error(string.Create(CultureInfo.InvariantCulture, $"the benchmark output is larger than {MaxChars:N0} characters"), output);
        var bytes = Encoding.UTF8.GetBytes(output);
        var failed = 0;
        for (var i = 0; i < bytes.Length; i++)
        {
            if (bytes[i] != (byte)'{' || (i > 0 && bytes[i - 1] != (byte)'\n')) continue;
            // Output full of lines that start an object and never end one would cost a read to the end per line.
            if (failed > MaxFailedCandidates) break;
            var reader = new Utf8JsonReader(bytes.AsSpan(i), new JsonReaderOptions { AllowTrailingCommas = false, CommentHandling = JsonCommentHandling.Disallow });
            try
            {
                if (JsonDocument.TryParseValue(ref reader, out var document))
                {
                    using (document)
                    {
                        return Encoding.UTF8.GetString(bytes, i, (int)reader.BytesConsumed);
                    }
                }
            }
            catch (JsonException)
            {
                // Not a complete JSON object from here (a log line starting with '{'): try the next line.
                failed++;
            }
        }

        throw Error("the benchmark printed no JSON object on its output (a line starting with '{')", output);
    }

    public static string FormatName(BenchmarkFormat format) => format switch
    {
        BenchmarkFormat.PytestBenchmark => "pytest-benchmark",
        BenchmarkFormat.GoogleBenchmark => "google-benchmark",
        BenchmarkFormat.BenchmarkDotNet => "benchmarkdotnet",
        _ => "generic",
    };

    private static JsonDocument ParseDocument(string json)
    {
        try
        {
            return LearnerJson.Parse(json, MaxChars);
        }
        catch (LearnerFileException ex) when (ex.Line is null)
        {
            throw Error($"the benchmark output is too large: {ex.Reason}", json, ex);
        }
        catch (LearnerFileException ex)
        {
            throw Error(string.Create(CultureInfo.InvariantCulture, $"the benchmark output is not valid JSON at line {ex.Line}, column {ex.Column}"), json, ex);
        }
    }

    private static BenchmarkOutputException Error(string message, string text, Exception? inner = null)
    {
        var trimmed = text.Trim();
        var excerpt = trimmed.Length <= ExcerptChars ? trimmed : string.Concat(trimmed.AsSpan(0, ExcerptChars), "…");
        var full = excerpt.Length == 0 ? $"{message} (the output is empty)" : $"{message}. Output begins: {excerpt}";
        return inner is null ? new BenchmarkOutputException(full) : new BenchmarkOutputException(full, inner);
    }
}

/// <summary>Typed reads from JSON with learner-facing errors.</summary>
internal static class Json
{
    public static JsonElement Array(JsonElement parent, string property, string where)
    {
        if (!parent.TryGetProperty(property, out var value) || value.ValueKind != JsonValueKind.Array)
            throw new BenchmarkOutputException($"{where}: '{property}' must be a list");
        return value;
    }

    public static JsonElement Object(JsonElement parent, string property, string where)
    {
        if (!parent.TryGetProperty(property, out var value) || value.ValueKind != JsonValueKind.Object)
            throw new BenchmarkOutputException($"{where}: '{property}' must be an object");
        return value;
    }

    public static string String(JsonElement parent, string property, string where)
    {
        if (!parent.TryGetProperty(property, out var value) || value.ValueKind != JsonValueKind.String || string.IsNullOrWhiteSpace(value.GetString()))
            throw new BenchmarkOutputException($"{where}: '{property}' must be a non-empty string");
        return value.GetString()!;
    }

    public static string? OptionalString(JsonElement parent, string property) =>
        parent.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    public static double? OptionalNumber(JsonElement parent, string property, string where)
    {
        if (!parent.TryGetProperty(property, out var value) || value.ValueKind == JsonValueKind.Null) return null;
        if (value.ValueKind != JsonValueKind.Number || !value.TryGetDouble(out var number) || !double.IsFinite(number))
            throw new BenchmarkOutputException($"{where}: '{property}' must be a number, not {value.ValueKind.ToString().ToLowerInvariant()}");
        return number;
    }

    public static double Number(JsonElement parent, string property, string where) =>
        OptionalNumber(parent, property, where) ?? throw new BenchmarkOutputException($"{where}: '{property}' is missing");

    public static double[] Numbers(JsonElement array, string where)
    {
        var numbers = new double[array.GetArrayLength()];
        var i = 0;
        foreach (var item in array.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.Number || !item.TryGetDouble(out var number) || !double.IsFinite(number))
                throw new BenchmarkOutputException($"{where}: item {i} is not a number");
            numbers[i++] = number;
        }

        return numbers;
    }
}
