using System.Net;

namespace Grader.Cli.Tests.Serve;

/// <summary>
/// `grader serve` as a real process fed a poison push: one committed file that crashes whatever parses it in process
/// (a 240 KB answer sheet nested 120,000 levels deep overflowed YamlDotNet's recursion with an uncatchable stack
/// overflow). Grading runs in worker processes, so the poison costs only its own job: the bot keeps acknowledging
/// deliveries and grades another learner's pull request, and the poisoned job ends, never in a crash loop.
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
            // A worker that died is a grader error (neutral, no review); a parser that refuses the file makes it the learner's failure.
            Assert.That(poisonedRun.Conclusion, Is.AnyOf("neutral", "failure"), Diagnostics());
            Assert.That(HeadReviews(PoisonedPullNumber, poisoned).Count, Is.EqualTo(poisonedRun.Conclusion == "neutral" ? 0 : 1), Diagnostics());
        });
    }
}
