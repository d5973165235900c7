using Grader.Rubrics.Loading;
using Grader.Rubrics.Model;

namespace Grader.Rubrics.Tests.Loading;

public sealed class LeaderboardLoadingTests
{
    private const string Head = """
        module: { id: MOD-1, title: Boards }
        competencies:
          perf: { name: Performance, level: Working }
        service: { port: 8080 }
        criteria:
          - { id: builds, title: Builds, points: 10, check: { build: {} } }
          - { id: speed, title: Speed, points: 10, check: { benchmark: { command: ["python", "bench.py"], higher_is_better: true } } }
          - { id: latency, title: Latency, points: 10, check: { load: { path: /predict } } }

        """;

    [Test]
    public void LoadText_LeaderboardOnBenchmark_ReadsCriterionOrderAndShow()
    {
        var result = RubricLoader.LoadText(Head + "leaderboard: { criterion: speed, order: lower_is_better, show: login }\n", "rubric.yaml");
        Assert.That(result.Diagnostics, Is.Empty);
        Assert.That(result.Rubric!.Leaderboard, Is.EqualTo(new Leaderboard("speed", LeaderboardOrder.LowerIsBetter, LeaderboardShow.Login) { Location = result.Rubric.Leaderboard!.Location }));
        Assert.That(result.Rubric.Leaderboard!.Location, Is.EqualTo(new SourceLocation("rubric.yaml", 9, 14)));
    }

    [TestCase("speed", LeaderboardOrder.HigherIsBetter, TestName = "LoadText_NoOrderOnHigherIsBetterBenchmark_RanksHigherFirst")]
    [TestCase("latency", LeaderboardOrder.LowerIsBetter, TestName = "LoadText_NoOrderOnLoadCheck_RanksLowerLatencyFirst")]
    public void LoadText_NoOrder_TakesTheChecksDirection(string criterion, LeaderboardOrder expected)
    {
        var result = RubricLoader.LoadText(Head + $"leaderboard: {{ criterion: {criterion} }}\n", "rubric.yaml");
        Assert.That(result.Diagnostics, Is.Empty);
        Assert.Multiple(() =>
        {
            Assert.That(result.Rubric!.Leaderboard!.Order, Is.EqualTo(expected));
            Assert.That(result.Rubric.Leaderboard.Show, Is.EqualTo(LeaderboardShow.Alias));
        });
    }

    [Test]
    public void LoadText_NoLeaderboard_HasNone()
    {
        var result = RubricLoader.LoadText(Head, "rubric.yaml");
        Assert.That(result.Diagnostics, Is.Empty);
        Assert.That(result.Rubric!.Leaderboard, Is.Null);
    }

    [Test]
    public void LoadText_LeaderboardWithoutCriterion_IsAnErrorAtTheBlock()
    {
        var result = RubricLoader.LoadText(Head + "leaderboard: { order: lower_is_better }\n", "rubric.yaml");
        Assert.That(result.Diagnostics.Select(d => d.ToString()), Has.Some.StartsWith("rubric.yaml:9:14: error:").And.Some.Contains("criterion"));
        Assert.That(result.Rubric?.Leaderboard, Is.Null);
    }
}
