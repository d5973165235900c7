using Grader.Rubrics.Loading;
using Grader.Rubrics.Model;
using Grader.Rubrics.Results;
using Grader.Rubrics.Scoring;
using Grader.Runner.Docker;
using Grader.Runner.Tests.Hostile;
using Grader.Runner.Tests.Pipeline;

namespace Grader.Runner.Tests.Examples;

/// <summary>
/// Grades every bundled MOD-101 Lab 2 submission (examples/mod-101-lab2) with the shipped rubric through the real
/// pipeline and Docker engine, and pins the score and outcome of every criterion.
/// </summary>
[TestFixture]
[Category("Integration")]
public sealed class Mod101Lab2ExampleTests
{
    private static readonly string RepositoryRoot = FindRepositoryRoot();
    private PipelineHarness _harness = null!;
    private Rubric _rubric = null!;

    [OneTimeSetUp]
    public async Task OneTimeSetUp()
    {
        _harness = new PipelineHarness();
        Assert.That(await BaseImages.ExistsAsync(_harness.Docker, BaseImages.Python, CancellationToken.None), Is.True,
            $"{BaseImages.Python} is needed: run `grader images bootstrap` (scripts/test.sh does)");
        var loaded = await RubricLoader.LoadFileAsync(Path.Combine(RepositoryRoot, "rubrics", "courses", "mod-101-lab2.yaml"));
        Assert.That(loaded.Diagnostics, Is.Empty);
        _rubric = loaded.Rubric!;
    }

    [OneTimeTearDown]
    public async Task OneTimeTearDown() => await _harness.DisposeAsync();

    private async Task<ScoredReview> GradeAsync(string example, Rubric? rubric = null)
    {
        var folder = Path.Combine(RepositoryRoot, "examples", "mod-101-lab2", example);
        var run = await _harness.Pipeline.RunAsync(_harness.Request(rubric ?? _rubric, folder), null, CancellationToken.None);
        return run.Review;
    }

    private static ScoredCriterion Criterion(ScoredReview review, string id) => review.Criteria.Single(c => c.Criterion.Id == id);

    [Test]
    public async Task Grade_Passing_EveryCriterionMetFullMarks()
    {
        var review = await GradeAsync("passing");

        Assert.Multiple(() =>
        {
            Assert.That(review.Criteria.Select(c => (c.Criterion.Id, c.Outcome)), Is.All.Matches<(string, CriterionOutcome)>(c => c.Item2 == CriterionOutcome.Met),
                string.Join("\n", review.Criteria.Select(c => $"{c.Criterion.Id}: {c.Outcome} {c.Result.Message}")));
            Assert.That(review.Points, Is.EqualTo(100));
            Assert.That(review.Passed, Is.True);
            Assert.That(review.Incomplete, Is.False);
            Assert.That(review.Event, Is.EqualTo(ReviewEvent.Approve));
        });
    }

    [Test]
    public async Task Grade_FailingTests_PartialCreditFromPassRatiosAndFails()
    {
        var review = await GradeAsync("failing-tests");

        Assert.Multiple(() =>
        {
            Assert.That(Criterion(review, "build").Outcome, Is.EqualTo(CriterionOutcome.Met));
            Assert.That(Criterion(review, "image-size").Outcome, Is.EqualTo(CriterionOutcome.Met));
            Assert.That(Criterion(review, "dockerfile-practices").Outcome, Is.EqualTo(CriterionOutcome.Met));
            // 5 of 8 own tests pass: linear 50%..100% gives a quarter of 15 points.
            Assert.That(Criterion(review, "unit-tests").Outcome, Is.EqualTo(CriterionOutcome.Partial));
            Assert.That(Criterion(review, "unit-tests").Points, Is.EqualTo(3.75));
            // 21 of 27 contract tests pass (77.8%): the 50% step, 30% of 50 points.
            Assert.That(Criterion(review, "hidden-tests").Outcome, Is.EqualTo(CriterionOutcome.Partial));
            Assert.That(Criterion(review, "hidden-tests").Points, Is.EqualTo(15));
            Assert.That(review.Points, Is.EqualTo(53.75));
            Assert.That(review.Passed, Is.False);
            Assert.That(review.Incomplete, Is.False);
        });
    }

    [Test]
    public async Task Grade_OversizedImage_SizeGateFailsTheModule()
    {
        var review = await GradeAsync("oversized-image");

        Assert.Multiple(() =>
        {
            Assert.That(Criterion(review, "image-size").Outcome, Is.EqualTo(CriterionOutcome.NotMet));
            Assert.That(Criterion(review, "image-size").Result.Measure, Is.GreaterThan(2_000_000_000));
            Assert.That(Criterion(review, "build").Outcome, Is.EqualTo(CriterionOutcome.Met));
            Assert.That(Criterion(review, "unit-tests").Outcome, Is.EqualTo(CriterionOutcome.Met));
            Assert.That(review.FailedGates, Is.EqualTo(new[] { "image-size" }));
            Assert.That(review.Points, Is.EqualTo(90));
            Assert.That(review.Passed, Is.False);
        });
    }

    [Test]
    public async Task Grade_BrokenDockerfile_BuildGateFailsAndImageCriteriaNotRun()
    {
        var review = await GradeAsync("broken-dockerfile");

        Assert.Multiple(() =>
        {
            Assert.That(Criterion(review, "build").Outcome, Is.EqualTo(CriterionOutcome.NotMet));
            Assert.That(Criterion(review, "build").Result.Status, Is.EqualTo(CheckStatus.Failed));
            foreach (var id in new[] { "image-size", "unit-tests", "hidden-tests" })
            {
                Assert.That(Criterion(review, id).Result.Status, Is.EqualTo(CheckStatus.NotRun), id);
                Assert.That(Criterion(review, id).Result.Message, Does.StartWith("the image did not build"), id);
            }
            Assert.That(Criterion(review, "dockerfile-practices").Outcome, Is.EqualTo(CriterionOutcome.Met), "the Dockerfile is still read");
            Assert.That(review.Points, Is.EqualTo(15));
            Assert.That(review.Passed, Is.False);
            Assert.That(review.Incomplete, Is.False);
        });
    }

    [Test]
    public async Task Grade_HangingTests_UnitTestsTimeOutHiddenTestsNotRunAndScoreNothing()
    {
        // The shipped rubric allows 3 minutes per test run and 60 s for the service to become ready; shorter
        // limits keep this test fast with the same behaviour.
        var quick = _rubric with
        {
            Criteria = _rubric.Criteria.Select(c => c.Check is TestsCheck t ? c with { Check = t with { Timeout = TimeSpan.FromSeconds(15) } } : c).ToList(),
            Service = _rubric.Service! with { ReadinessTimeout = TimeSpan.FromSeconds(15) },
        };

        var review = await GradeAsync("hanging-tests", quick);

        Assert.Multiple(() =>
        {
            Assert.That(Criterion(review, "unit-tests").Outcome, Is.EqualTo(CriterionOutcome.NotMet));
            Assert.That(Criterion(review, "unit-tests").Result.Status, Is.EqualTo(CheckStatus.Failed));
            Assert.That(Criterion(review, "unit-tests").Result.Message, Does.Contain("did not finish"));
            // The hidden tests probe the service, which hangs before it listens: they cannot run.
            Assert.That(Criterion(review, "hidden-tests").Outcome, Is.EqualTo(CriterionOutcome.NotMet));
            Assert.That(Criterion(review, "hidden-tests").Result.Status, Is.EqualTo(CheckStatus.NotRun));
            Assert.That(review.Points, Is.EqualTo(35));
            Assert.That(review.Passed, Is.False);
            Assert.That(review.Incomplete, Is.False, "a hang in learner code is the learner's failure");
        });
    }

    [Test]
    public async Task Grade_FailingTests_HiddenResultShowsFailingNamesButNoHiddenSourceOrOutput()
    {
        var folder = Path.Combine(RepositoryRoot, "examples", "mod-101-lab2", "failing-tests");
        var run = await _harness.Pipeline.RunAsync(_harness.Request(_rubric, folder), null, CancellationToken.None);
        var hidden = Criterion(run.Review, "hidden-tests").Result;
        var shown = HiddenSource.Rendered(run);

        Assert.Multiple(() =>
        {
            Assert.That(hidden.Details, Has.Count.EqualTo(6));
            Assert.That(hidden.Details, Has.All.StartWith("test_lab2_contract.test_predict"));
            Assert.That(hidden.Logs, Is.Empty);
            Assert.That(hidden.Annotations, Is.Empty);
            Assert.That(HiddenSource.LinesIn(shown), Is.Empty, "no line of the hidden tests' source reaches the review, check run or result.json");
        });
    }

    internal static string FindRepositoryRoot()
    {
        for (var dir = new DirectoryInfo(TestContext.CurrentContext.TestDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Grader.sln"))) return dir.FullName;
        }
        throw new InvalidOperationException("Grader.sln not found above the test directory.");
    }
}
