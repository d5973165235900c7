using Grader.Rubrics.Model;
using Grader.Rubrics.Results;
using Grader.Runner.Quiz;
using Grader.Runner.Tests.Support;

namespace Grader.Runner.Tests.Quiz;

public sealed class QuizCheckExecutorTests
{
    private const string Key = """
        q1: b
        q2: [container, docker container]
        q3: { all: [a, c] }
        q4: prometheus
        q5: "70%"
        """;

    private static async Task<CheckResult> Grade(SubmissionFolder submission, double passMark = 0.7)
    {
        submission.WithRubricFile("keys/quiz.yaml", Key);
        var criterion = SubmissionFolder.Criterion(new QuizCheck { Key = "keys/quiz.yaml", PassMark = passMark });
        return await new QuizCheckExecutor().ExecuteAsync(criterion, submission.Context(criterion), CancellationToken.None);
    }

    [Test]
    public async Task ExecuteAsync_FourOfFive_PassesAt80Percent()
    {
        using var submission = new SubmissionFolder().With("quiz/answers.yaml", "q1: B\nq2: '  Docker   Container '\nq3: [c, a]\nq4: grafana\nq5: 70%\n");

        var result = await Grade(submission);

        Assert.Multiple(() =>
        {
            Assert.That(result.Status, Is.EqualTo(CheckStatus.Passed));
            Assert.That(result.Measure, Is.EqualTo(0.8).Within(1e-9));
            Assert.That(result.Values["correct"], Is.EqualTo("4"));
            Assert.That(result.Details.Single(), Does.Contain("q4"));
        });
    }

    [Test]
    public async Task ExecuteAsync_BelowPassMark_FailsWithoutRevealingAnswers()
    {
        using var submission = new SubmissionFolder().With("quiz/answers.yaml", "q1: a\nq2: vm\nq3: [a]\nq4: prometheus\n");

        var result = await Grade(submission);

        var everything = result.Message + string.Join("\n", result.Details) + string.Join("\n", result.Values.Values);
        Assert.Multiple(() =>
        {
            Assert.That(result.Status, Is.EqualTo(CheckStatus.Failed));
            Assert.That(result.Measure, Is.EqualTo(0.2).Within(1e-9));
            Assert.That(result.Details.Single(), Does.Contain("q5 (unanswered)"));
            Assert.That(everything, Does.Not.Contain("container").And.Not.Contain("70%\n"));
        });
    }

    [Test]
    public async Task ExecuteAsync_ExactlyAtPassMark_Passes()
    {
        using var submission = new SubmissionFolder().With("quiz/answers.yaml", "q1: b\nq2: container\nq3: [a, c]\nq4: nope\nq5: nope\n");

        var result = await Grade(submission, passMark: 0.6);

        Assert.That(result.Status, Is.EqualTo(CheckStatus.Passed));
    }

    [Test]
    public async Task ExecuteAsync_NoAnswersFile_FailsWithReason()
    {
        using var submission = new SubmissionFolder();

        var result = await Grade(submission);

        Assert.Multiple(() =>
        {
            Assert.That(result.Status, Is.EqualTo(CheckStatus.Failed));
            Assert.That(result.Message, Does.Contain("quiz/answers.yaml"));
        });
    }

    [TestCase("q1: [unclosed", "quiz/answers.yaml:2:1: While parsing a flow sequence")]
    [TestCase("q1: [a, b\nq2: c\n", "quiz/answers.yaml:")]
    [TestCase("- just\n- a list\n", "quiz/answers.yaml:1:1: expected a map of question id to answer")]
    [TestCase("q1: a\nq2: { nested: map }", "quiz/answers.yaml:2:5: the answer to 'q2' must be a value or a list of values")]
    [TestCase("q1: &a [x]\nq2: *a", "quiz/answers.yaml:2:5: aliases (*a) are not accepted in this file")]
    [TestCase("q1: [[[[[[[[[x]]]]]]]]]", "quiz/answers.yaml:1:12: nested deeper than 8 levels")]
    public async Task ExecuteAsync_MalformedAnswers_FailsWithLocatedMessage(string answers, string expected)
    {
        using var submission = new SubmissionFolder().With("quiz/answers.yaml", answers);

        var result = await Grade(submission);

        Assert.Multiple(() =>
        {
            Assert.That(result.Status, Is.EqualTo(CheckStatus.Failed));
            Assert.That(result.Message, Does.StartWith(expected).And.EndWith("(not a valid answers file)"));
        });
    }

    [Test]
    public async Task ExecuteAsync_AnswerKeyMissing_IsGraderError()
    {
        using var submission = new SubmissionFolder().With("quiz/answers.yaml", "q1: b\n");
        var criterion = SubmissionFolder.Criterion(new QuizCheck { Key = "keys/absent.yaml" });

        var result = await new QuizCheckExecutor().ExecuteAsync(criterion, submission.Context(criterion), CancellationToken.None);

        Assert.Multiple(() =>
        {
            Assert.That(result.Status, Is.EqualTo(CheckStatus.GraderError));
            Assert.That(result.Message, Does.Contain("keys/absent.yaml"));
        });
    }
}
