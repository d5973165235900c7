using Grader.Evidence.Model;
using Grader.Evidence.Recording;
using Grader.Evidence.Signing;
using Grader.Evidence.Tests.Support;
using Grader.Rubrics.Model;
using Grader.Rubrics.Results;

namespace Grader.Evidence.Tests.Recording;

/// <summary>A rubric's leaderboard settings travel in its records (signed with them); a rubric without one adds nothing.</summary>
public sealed class EvidenceRecordFactoryLeaderboardTests
{
    private static EvidenceRecord Record(Leaderboard? leaderboard)
    {
        var rubric = new Rubric
        {
            Module = new ModuleInfo("MOD-523", "Latency"),
            Competencies = [new Competency("perf", "Performance", ProficiencyLevel.Working)],
            Criteria = [new Criterion { Id = "speed", Title = "Speed", Points = 10, Check = new BenchmarkCheck { Command = ["python", "bench.py"] } }],
            Leaderboard = leaderboard,
        };
        CheckResult[] results = [new() { CriterionId = "speed", Status = CheckStatus.Passed, Measure = 0.012, Values = new Dictionary<string, string> { ["value"] = "12.0 ms" } }];
        var run = Records.RunOf(rubric, results);
        return EvidenceRecordFactory.FromRun(run, new SubmissionIdentity("alice", "course/lab-alice") { HeadSha = new string('1', 40) });
    }

    [Test]
    public void FromRun_RubricWithLeaderboard_RecordsItsSettingsAndTheMeasuredValue()
    {
        var record = Record(new Leaderboard("speed", LeaderboardOrder.HigherIsBetter, LeaderboardShow.Alias));
        var json = System.Text.Encoding.UTF8.GetString(CanonicalJson.Of(record));

        Assert.Multiple(() =>
        {
            Assert.That(record.Leaderboard, Is.EqualTo(new LeaderboardRef("speed", "higher_is_better", "alias")));
            Assert.That(json, Does.Contain("\"leaderboard\":{\"criterion\":\"speed\",\"order\":\"higher_is_better\",\"show\":\"alias\"}"));
            Assert.That(record.Criteria.Single().MeasuredValue, Is.EqualTo("12.0 ms"));
            Assert.That(record.Criteria.Single().Measure, Is.EqualTo(0.012));
        });
    }

    [Test]
    public void FromRun_RubricWithoutLeaderboard_RecordHasNoSuchField()
    {
        var record = Record(null);

        Assert.That(record.Leaderboard, Is.Null);
        Assert.That(System.Text.Encoding.UTF8.GetString(CanonicalJson.Of(record)), Does.Not.Contain("leaderboard"));
    }
}
