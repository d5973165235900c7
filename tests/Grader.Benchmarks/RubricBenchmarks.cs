using BenchmarkDotNet.Attributes;
using Grader.Rubrics.Loading;
using Grader.Rubrics.Model;
using Grader.Rubrics.Rendering;
using Grader.Rubrics.Results;
using Grader.Rubrics.Scoring;
using YamlDotNet.RepresentationModel;

namespace Grader.Benchmarks;

/// <summary>
/// Loading, scoring and rendering the largest shipped rubric (most criteria after extends/include).
/// Baseline: plain YamlDotNet parsing the same files into a representation model, so the loader's ratio is its
/// overhead (located tree, typed reading, composition, validation) over bare YAML parsing.
/// </summary>
[MemoryDiagnoser]
public class RubricBenchmarks
{
    private string _rubricPath = "";
    private string[] _sourceFiles = [];
    private Rubric _rubric = null!;
    private CheckResult[] _results = [];
    private ScoredReview _review = null!;

    [GlobalSetup]
    public void Setup()
    {
        var courses = Path.Combine(RepositoryRoot(), "rubrics", "courses");
        var loaded = Directory.GetFiles(courses, "*.yaml")
            .Select(path => (path, result: RubricLoader.LoadFile(path)))
            .Where(x => x.result.Success)
            .OrderByDescending(x => x.result.Rubric!.Criteria.Count)
            .ThenBy(x => x.path, StringComparer.Ordinal)
            .First();
        _rubricPath = loaded.path;
        _rubric = loaded.result.Rubric!;
        _sourceFiles = [.. _rubric.SourceFiles];
        _results = SampleResults(_rubric);
        _review = RubricScorer.Score(_rubric, _results);
        Console.WriteLine($"// Largest rubric: {Path.GetFileName(_rubricPath)}, {_rubric.Criteria.Count} criteria, {_sourceFiles.Length} files");
    }

    [Benchmark(Baseline = true, Description = "YamlDotNet representation model (same files)")]
    public int ParseYamlOnly()
    {
        var nodes = 0;
        foreach (var file in _sourceFiles)
        {
            var stream = new YamlStream();
            using var reader = new StringReader(File.ReadAllText(file));
            stream.Load(reader);
            nodes += stream.Documents.Count;
        }
        return nodes;
    }

    [Benchmark(Description = "RubricLoader.LoadFile")]
    public Rubric? Load() => RubricLoader.LoadFile(_rubricPath).Rubric;

    [Benchmark(Description = "RubricScorer.Score")]
    public ScoredReview Score() => RubricScorer.Score(_rubric, _results);

    [Benchmark(Description = "Score + review + check run Markdown")]
    public int ScoreAndRender()
    {
        var review = RubricScorer.Score(_rubric, _results);
        var body = MarkdownReviewRenderer.RenderReview(review);
        var checkRun = MarkdownReviewRenderer.RenderCheckRun(review);
        return body.Length + checkRun.Summary.Length + checkRun.Text.Length;
    }

    [Benchmark(Description = "Render review Markdown")]
    public int Render() => MarkdownReviewRenderer.RenderReview(_review).Length;

    /// <summary>A realistic mix: most criteria met, one partial with failing tests and a log, one not met, one grader error.</summary>
    private static CheckResult[] SampleResults(Rubric rubric)
    {
        var log = string.Join('\n', Enumerable.Range(0, 80).Select(i => $"tests/test_app.py::test_case_{i} FAILED - AssertionError: expected 8.4, got {i}"));
        return rubric.Criteria.Select((c, i) => (i % 4) switch
        {
            1 => new CheckResult
            {
                CriterionId = c.Id,
                Status = CheckStatus.Failed,
                Measure = 0.8,
                Message = "8 of 10 tests passed",
                Values = new Dictionary<string, string> { ["passed"] = "8", ["total"] = "10", ["failed"] = "2", ["missing"] = "model_batch_size" },
                Details = ["test_predict_bad_input: assert 500 == 400", "test_metrics_counter: predictions_total did not increase"],
                Logs = [new LogExcerpt("pytest output", log)],
            },
            2 when i == 2 => CheckResult.GraderError(c.Id, "the Docker engine did not answer within 30s"),
            3 => new CheckResult { CriterionId = c.Id, Status = CheckStatus.Failed, Measure = 0.2, Message = "RUNBOOK.md: missing sections Rollback, On-call" },
            _ => new CheckResult
            {
                CriterionId = c.Id,
                Status = CheckStatus.Passed,
                Measure = 1,
                Values = new Dictionary<string, string> { ["status"] = "200", ["latency"] = "12ms", ["size"] = "412 MB", ["max"] = "2 GB", ["duration"] = "41s" },
            },
        }).ToArray();
    }

    /// <summary>The repository's root (where Grader.sln is), above the benchmark's binaries or the current directory.</summary>
    internal static string RepositoryRoot()
    {
        foreach (var start in new[] { AppContext.BaseDirectory, Environment.CurrentDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "Grader.sln"))) return dir.FullName;
            }
        }
        throw new InvalidOperationException("Grader.sln not found above the benchmark's directory; run from the repository.");
    }
}
