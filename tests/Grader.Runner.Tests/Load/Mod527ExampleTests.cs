using Grader.Rubrics.Loading;
using Grader.Rubrics.Model;
using Grader.Rubrics.Results;
using Grader.Rubrics.Scoring;
using Grader.Runner.Docker;
using Grader.Runner.Tests.Pipeline;

namespace Grader.Runner.Tests.Load;

/// <summary>
/// The MOD-527 examples through the real pipeline with the shipped rubric's criteria and thresholds, on a
/// runner without a GPU: the service runs without one (gpu-efficiency, which needs it, is left out) and the
/// load test is shortened (3 s, one repetition) to keep the suite fast.
/// </summary>
[TestFixture]
[Category("Integration")]
public sealed class Mod527ExampleTests
{
    private static readonly string RepositoryRoot = FindRepositoryRoot();
    private PipelineHarness _harness = null!;
    private Rubric _rubric = null!;

    [OneTimeSetUp]
    public async Task OneTimeSetUp()
    {
        _harness = new PipelineHarness();
        Assert.That(await BaseImages.ExistsAsync(_harness.Docker, BaseImages.Python, CancellationToken.None), Is.True, $"{BaseImages.Python} is needed");
        var loaded = await RubricLoader.LoadFileAsync(Path.Combine(RepositoryRoot, "rubrics", "courses", "mod-527-performance-operations.yaml"));
        Assert.That(loaded.Diagnostics, Is.Empty);
        var shipped = loaded.Rubric!;
        _rubric = shipped with
        {
            Service = shipped.Service! with { Gpu = false },
            Criteria = [.. shipped.Criteria
                .Where(c => c.Id != "gpu-efficiency")
                .Select(c => c.Check is LoadCheck load
                    ? c with { Check = load with { Duration = TimeSpan.FromSeconds(3), Warmup = TimeSpan.FromSeconds(1), Repetitions = 1 } }
                    : c)],
        };
    }

    [OneTimeTearDown]
    public async Task OneTimeTearDown() => await _harness.DisposeAsync();

    private async Task<ScoredReview> GradeAsync(string example) =>
        (await _harness.Pipeline.RunAsync(_harness.Request(_rubric, Path.Combine(RepositoryRoot, "examples", "mod-527", example)), null, CancellationToken.None)).Review;

    private static string Explain(ScoredReview review) => string.Join("\n", review.Criteria.Select(c => $"{c.Criterion.Id}: {c.Outcome} {c.Result.Message}"));

    [Test]
    public async Task Grade_Passing_EveryCriterionMetWithinTheSlo()
    {
        var review = await GradeAsync("passing");

        Assert.That(review.Criteria.Select(c => c.Outcome), Is.All.EqualTo(CriterionOutcome.Met), Explain(review));
        var load = review.Criteria.Single(c => c.Criterion.Id == "load-within-slo").Result;
        Assert.That(load.Measure, Is.LessThan(200));
        Assert.That(load.Values["error_rate"], Is.EqualTo("0.00 %"));
    }

    [Test]
    public async Task Grade_SlowP95_LoadCriterionMissesTheSloOnlyOnP95()
    {
        var review = await GradeAsync("slow-p95");

        var load = review.Criteria.Single(c => c.Criterion.Id == "load-within-slo");
        Assert.That(load.Result.Status, Is.EqualTo(CheckStatus.Failed), Explain(review));
        Assert.That(load.Result.Measure, Is.InRange(290, 500), "every tenth request waits 300 ms");
        Assert.That(load.Result.Message, Does.Contain("p95").And.Not.Contain("p99").And.Not.Contain("error rate"));
        Assert.That(load.Outcome, Is.Not.EqualTo(CriterionOutcome.Met));
        Assert.That(review.Criteria.Where(c => c.Criterion.Id != "load-within-slo").Select(c => c.Outcome), Is.All.EqualTo(CriterionOutcome.Met), Explain(review));
    }

    private static string FindRepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Grader.sln"))) return directory.FullName;
        }

        throw new DirectoryNotFoundException("Grader.sln not found above the test assembly");
    }
}
