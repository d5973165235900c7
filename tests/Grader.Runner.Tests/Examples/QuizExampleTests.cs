using Grader.Rubrics.Loading;
using Grader.Rubrics.Scoring;
using Grader.Runner.Tests.Pipeline;

namespace Grader.Runner.Tests.Examples;

/// <summary>The MOD-101 concepts quiz examples graded with the shipped rubric and its hidden answer key.</summary>
[TestFixture]
[Category("Integration")]
public sealed class QuizExampleTests
{
    private static readonly string RepositoryRoot = Mod101Lab2ExampleTests.FindRepositoryRoot();

    private static async Task<ScoredReview> GradeAsync(string example)
    {
        await using var harness = new PipelineHarness();
        var loaded = await RubricLoader.LoadFileAsync(Path.Combine(RepositoryRoot, "rubrics", "courses", "mod-101-quiz.yaml"));
        Assert.That(loaded.Diagnostics, Is.Empty);
        var run = await harness.Pipeline.RunAsync(harness.Request(loaded.Rubric!, Path.Combine(RepositoryRoot, "examples", "mod-101-quiz", example)), null, CancellationToken.None);
        return run.Review;
    }

    [Test]
    public async Task Grade_EightOfTen_PassesWith85Points()
    {
        var review = await GradeAsync("passing");

        Assert.Multiple(() =>
        {
            Assert.That(review.Points, Is.EqualTo(85));
            Assert.That(review.Passed, Is.True);
            Assert.That(review.Criteria.Single().Result.Values["correct"], Is.EqualTo("8"));
        });
    }

    [Test]
    public async Task Grade_FiveOfTenWithOneUnanswered_FailsWithoutRevealingTheKey()
    {
        var review = await GradeAsync("failing");

        var quiz = review.Criteria.Single();
        Assert.Multiple(() =>
        {
            Assert.That(review.Points, Is.EqualTo(40));
            Assert.That(review.Passed, Is.False);
            Assert.That(quiz.Result.Details.Single(), Does.Contain("q10-model-in-image (unanswered)"));
            Assert.That(quiz.Feedback, Does.Not.Contain("mount"));
        });
    }
}
