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

    /// <summary>Parses a baseline; throws <see cref="InvalidDataException"/> with the reason when the JSON is not a usable baseline.</summary>
    public static BaselineFile Parse(string json, string origin)
    {
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

    public static async Task<BaselineFile> ReadAsync(string path, CancellationToken cancellationToken)
    {
        var json = await File.ReadAllTextAsync(path, cancellationToken).ConfigureAwait(false);
        return Parse(json, path);
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
