using System.Text.Json;
using System.Text.Json.Serialization;

namespace Grader.Runner.Baselines;

/// <summary>
/// A baseline: the samples of one criterion's metric from a reference run (the instructor's reference
/// solution, or the previous graded commit). The JSON format (<c>grader-baseline/1</c>) is documented in
/// <c>runner/Grader.Runner/Baselines/README.md</c>; the load and benchmark checks write one for every run
/// to the job's work folder (<c>baselines/&lt;criterion&gt;.json</c>) so a reference run yields the file.
/// </summary>
public sealed record BaselineFile
{
    public const string CurrentFormat = "grader-baseline/1";

    [JsonPropertyName("format")] public string Format { get; init; } = CurrentFormat;

    /// <summary><c>load</c> or <c>benchmark</c>.</summary>
    [JsonPropertyName("check")] public required string Check { get; init; }

    /// <summary>What the samples are: e.g. <c>p95_ms</c> (load) or the benchmark metric (<c>median</c>).</summary>
    [JsonPropertyName("metric")] public required string Metric { get; init; }

    /// <summary>Unit of the samples: <c>ms</c>, <c>s</c>, <c>ops/s</c> or the benchmark's own unit.</summary>
    [JsonPropertyName("unit")] public required string Unit { get; init; }

    [JsonPropertyName("higher_is_better")] public bool HigherIsBetter { get; init; }

    /// <summary>The samples compared (per-window p95 latencies for load; per-round times or per-run values for benchmarks).</summary>
    [JsonPropertyName("samples")] public required IReadOnlyList<double> Samples { get; init; }

    /// <summary>The headline value of the run (the check's measure), for feedback.</summary>
    [JsonPropertyName("value")] public double Value { get; init; }

    /// <summary>Benchmark name the samples belong to, when a benchmark check.</summary>
    [JsonPropertyName("benchmark")] public string? Benchmark { get; init; }

    /// <summary>Per-repetition figures, for side-by-side feedback (load: p50/p95/p99/max ms, throughput, error rate).</summary>
    [JsonPropertyName("repetitions")] public IReadOnlyList<IReadOnlyDictionary<string, double>> Repetitions { get; init; } = [];

    /// <summary>Where the samples came from (e.g. "reference solution", a commit SHA).</summary>
    [JsonPropertyName("source")] public string? Source { get; init; }

    [JsonPropertyName("created")] public DateTimeOffset Created { get; init; }

    private static readonly JsonSerializerOptions SerializerOptions = new() { WriteIndented = true };

    public string ToJson() => JsonSerializer.Serialize(this, SerializerOptions);

    /// <summary>Time samples straight from a benchmark's own output (generic format), in seconds.</summary>
    public const string TimeSamplesMetric = "time";

    /// <summary>
    /// Parses a baseline; throws <see cref="InvalidDataException"/> with the reason when the JSON is not a
    /// usable baseline. Besides <c>grader-baseline/1</c>, a reference run's output in the generic benchmark
    /// format (<c>{"benchmarks": [{"name", "unit", "samples"}]}</c>) is accepted: the entry named
    /// <paramref name="benchmark"/> (or the first) gives the samples.
    /// </summary>
    public static BaselineFile Parse(string json, string origin, string? benchmark = null)
    {
        if (!json.Contains("\"format\"", StringComparison.Ordinal) && json.Contains("\"benchmarks\"", StringComparison.Ordinal))
        {
            return FromBenchmarkOutput(json, origin, benchmark);
        }

        BaselineFile? file;
        try
        {
            file = JsonSerializer.Deserialize<BaselineFile>(json, SerializerOptions);
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException($"baseline {origin} is not valid baseline JSON: {ex.Message}", ex);
        }

        if (file is null) throw new InvalidDataException($"baseline {origin} is empty");
        if (file.Format != CurrentFormat) throw new InvalidDataException($"baseline {origin} has format '{file.Format}', expected '{CurrentFormat}'");
        if (file.Samples.Count == 0) throw new InvalidDataException($"baseline {origin} has no samples");
        return file;
    }

    public static async Task<BaselineFile> ReadAsync(string path, CancellationToken cancellationToken, string? benchmark = null)
    {
        var json = await File.ReadAllTextAsync(path, cancellationToken).ConfigureAwait(false);
        return Parse(json, path, benchmark);
    }

    private static BaselineFile FromBenchmarkOutput(string json, string origin, string? benchmark)
    {
        IReadOnlyList<Benchmarks.Formats.BenchmarkMeasurement> measurements;
        try
        {
            measurements = Benchmarks.Formats.BenchmarkOutputParser.Parse(Grader.Rubrics.Model.BenchmarkFormat.Generic, json);
        }
        catch (Benchmarks.Formats.BenchmarkOutputException ex)
        {
            throw new InvalidDataException($"baseline {origin} is neither {CurrentFormat} nor generic benchmark output: {ex.Message}", ex);
        }

        var chosen = benchmark is null ? measurements[0] : measurements.FirstOrDefault(m => m.Matches(benchmark))
            ?? throw new InvalidDataException($"baseline {origin} has no benchmark named '{benchmark}' (it has {string.Join(", ", measurements.Select(m => m.Name))})");
        string? source = null;
        using (var document = JsonDocument.Parse(json))
        {
            if (document.RootElement.TryGetProperty("source", out var sourceElement) && sourceElement.ValueKind == JsonValueKind.String) source = sourceElement.GetString();
        }

        return new BaselineFile
        {
            Check = Grader.Rubrics.Model.BenchmarkCheck.KindName,
            Metric = chosen.IsTime ? TimeSamplesMetric : "value",
            Unit = chosen.Unit,
            Samples = chosen.Samples,
            Value = chosen.Statistics.Median ?? double.NaN,
            Benchmark = chosen.Name,
            Source = source ?? origin,
        };
    }

    /// <summary>Writes atomically (temporary file, then rename), creating the folder.</summary>
    public async Task WriteAsync(string path, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        var temporary = path + ".tmp-" + Guid.NewGuid().ToString("N");
        await File.WriteAllTextAsync(temporary, ToJson(), cancellationToken).ConfigureAwait(false);
        File.Move(temporary, path, overwrite: true);
    }
}
