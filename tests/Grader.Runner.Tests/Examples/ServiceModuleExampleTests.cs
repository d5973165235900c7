using Grader.Rubrics.Loading;
using Grader.Rubrics.Scoring;
using Grader.Runner.Tests.Pipeline;

namespace Grader.Runner.Tests.Examples;

/// <summary>
/// Grades the MOD-101 Lab 3 and MOD-558 example submissions with their shipped rubrics through the whole
/// pipeline: build, the service started in its isolated network, probes, metrics, documents, failure
/// injection (recovery checks run last) and clean-up.
/// </summary>
[TestFixture]
[Category("Integration")]
public sealed class ServiceModuleExampleTests
{
    private static readonly string RepositoryRoot = Mod101Lab2ExampleTests.FindRepositoryRoot();

    private static async Task<ScoredReview> GradeAsync(string rubric, string example)
    {
        await using var harness = new PipelineHarness();
        var loaded = await RubricLoader.LoadFileAsync(Path.Combine(RepositoryRoot, "rubrics", "courses", rubric));
        Assert.That(loaded.Diagnostics, Is.Empty);
        var run = await harness.Pipeline.RunAsync(harness.Request(loaded.Rubric!, Path.Combine(RepositoryRoot, "examples", example)), null, CancellationToken.None);
        var leftovers = await harness.LeftoversAsync();
        Assert.That((leftovers.Containers, leftovers.Networks), Is.EqualTo((0, 0)), "the job's containers and network are removed");
        return run.Review;
    }

    private static string Explain(ScoredReview review) =>
        string.Join("\n", review.Criteria.Select(c => $"{c.Criterion.Id}: {c.Outcome} {c.Points}/{c.Criterion.Points} {c.Result.Message}"));

    [Test]
    public async Task Grade_Lab3Passing_EveryCriterionMet()
    {
        var review = await GradeAsync("mod-101-lab3.yaml", "mod-101-lab3/passing");

        Assert.Multiple(() =>
        {
            Assert.That(review.Criteria.All(c => c.Outcome == CriterionOutcome.Met), Is.True, Explain(review));
            Assert.That(review.Passed, Is.True);
            Assert.That(review.Incomplete, Is.False);
        });
    }

    [Test]
    public async Task Grade_Lab3NoMetrics_MetricsCriterionNotMetAndModuleFails()
    {
        var review = await GradeAsync("mod-101-lab3.yaml", "mod-101-lab3/no-metrics");

        var metrics = review.Criteria.Single(c => c.Criterion.Id == "prometheus-metrics");
        Assert.Multiple(() =>
        {
            Assert.That(metrics.Outcome, Is.EqualTo(CriterionOutcome.NotMet), Explain(review));
            Assert.That(review.Criteria.Single(c => c.Criterion.Id == "health-probe").Outcome, Is.EqualTo(CriterionOutcome.Met), Explain(review));
            Assert.That(review.Passed, Is.False);
            Assert.That(review.Incomplete, Is.False);
        });
    }

    [Test]
    public async Task Grade_Mod558Passing_RecoversWithinSloAndPasses()
    {
        var review = await GradeAsync("mod-558-sre.yaml", "mod-558/passing");

        var recovery = review.Criteria.Single(c => c.Criterion.Id == "recovery-after-crash");
        Assert.Multiple(() =>
        {
            Assert.That(review.Criteria.All(c => c.Outcome == CriterionOutcome.Met), Is.True, Explain(review));
            Assert.That(recovery.Result.Values, Does.ContainKey("recovery_time"));
            Assert.That(review.Passed, Is.True);
        });
    }
}
