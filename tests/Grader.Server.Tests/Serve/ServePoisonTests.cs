using System.Net;

namespace Grader.Server.Tests.Serve;

/// <summary>
/// `grader serve` as a real process fed a poison push: one committed file that crashed whatever parsed it in process
/// (a 240 KB answer sheet nested 120,000 levels deep overflowed YamlDotNet's recursion with an uncatchable stack
/// overflow). The answer sheet is now checked on the parser's event stream first, so the file is the learner's own
/// failure, located; and grading runs in worker processes, so even a poison that did crash would cost only its own
/// job (WorkerDeathTests kill the worker for that). The bot keeps acknowledging deliveries and grades another
/// learner's pull request meanwhile.
/// </summary>
[Category("Hostile")]
[Category("Docker")]
public sealed class ServePoisonTests : ServeProcessTest
{
    private const int PoisonedPullNumber = 8;

    private const string QuizRubric = """
        module: { id: MOD-SERVE-POISON, title: Serve poison test }
        competencies:
          infrastructure-automation: { name: Infrastructure automation, level: Working }
        criteria:
          - id: builds
            title: The image builds
            points: 40
            check: { build: { max_time: 5m } }
          - id: tests
            title: The tests pass
            points: 30
            check:
              tests: { command: ["sh", "/app/test.sh"], report: exit_code, timeout: 1m }
            evidence:
              - infrastructure-automation: Working
          - id: quiz
            title: The quiz
            points: 30
            gate: true
            check:
              quiz: { answers: quiz/answers.yaml, key: keys/quiz.yaml, pass_mark: 50% }
        """;

    [Test]
    public async Task Serve_PoisonPushCrashesItsGrading_KeepsAcknowledgingAndGradesAnotherPullRequest()
    {
        await ArrangeAsync("echo running the tests\nexit 0\n", QuizRubric,
            courseFiles: new Dictionary<string, string> { ["keys/quiz.yaml"] = "q1: docker\n" },
            submissionFiles: new Dictionary<string, string> { ["quiz/answers.yaml"] = "q1: docker\n" });
        const int depth = 120_000;
        var poisoned = await OpenPullRequestAsync(PoisonedPullNumber, "echo running the tests\nexit 0\n",
            new Dictionary<string, string> { ["quiz/answers.yaml"] = "q1: " + new string('[', depth) + new string(']', depth) + "\n" });
        var serve = await StartServeAsync();

        var poisonAck = await PostDeliveryAsync(serve, Guid.NewGuid().ToString(), await OpenedPayloadAsync(PoisonedPullNumber, poisoned));
        await WaitUntilAsync(() => HeadCheckRuns(poisoned).Any(c => c.Status == "in_progress"), TimeSpan.FromSeconds(90), "the poisoned submission is being graded");
        var otherAck = await PostDeliveryAsync(serve, Guid.NewGuid().ToString(), await OpenedPayloadAsync());

        await WaitForPublishedResultAsync();
        await WaitUntilAsync(() => HeadCheckRuns(poisoned).Any(c => c.Status == "completed"), TimeSpan.FromSeconds(180), "the poisoned job ended");
        var lateAck = await PostDeliveryAsync(serve, Guid.NewGuid().ToString(), await OpenedPayloadAsync());
        await WaitUntilAsync(async () => (await RunnerContainersAsync(running: false)).Count == 0, TimeSpan.FromSeconds(60), "nothing of this runner left in Docker");
        var poisonedRun = HeadCheckRuns(poisoned).Single();
        await TestContext.Out.WriteLineAsync($"poisoned submission: {poisonedRun.Conclusion}: {poisonedRun.Title}\n{poisonedRun.Text}");
        Assert.Multiple(() =>
        {
            Assert.That((poisonAck, otherAck, lateAck), Is.EqualTo((HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.OK)), Diagnostics());
            Assert.That(serve.HasExited, Is.False, "the bot process survived the poison\n" + Diagnostics());
            Assert.That(HeadCheckRuns().Select(c => (c.Status, c.Conclusion)), Is.EqualTo(new[] { ("completed", (string?)"success") }), Diagnostics());
            Assert.That(HeadReviews(), Has.Count.EqualTo(1), Diagnostics());
            // The parser refuses the file at its place: the learner's failure (the quiz gate), reviewed once, no grader error.
            Assert.That(poisonedRun.Conclusion, Is.EqualTo("failure"), Diagnostics());
            Assert.That(poisonedRun.Text + poisonedRun.Summary, Does.Contain("nested deeper than"), Diagnostics());
            Assert.That(HeadReviews(PoisonedPullNumber, poisoned), Has.Count.EqualTo(1), Diagnostics());
        });
    }
}
