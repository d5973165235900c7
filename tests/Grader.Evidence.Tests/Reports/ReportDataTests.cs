using Grader.Evidence.Reports;
using Grader.Evidence.Rosters;
using Grader.Evidence.Tests.Support;

namespace Grader.Evidence.Tests.Reports;

public sealed class ReportDataTests
{
    private const string ShaA = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
    private const string ShaB = "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb";

    [Test]
    public void Build_RegradeOfTheSameCommit_SupersedesTheEarlierGrading()
    {
        var rows = Rows.From(
            Records.Make(sha: ShaA, points: 40, passed: false, minutes: 0),
            Records.Make(sha: ShaA, points: 85, passed: true, minutes: 10));

        var data = ReportDataLoader.Build([], rows, new ReportFilter(), Records.T0);

        Assert.That(data.Latest.Select(r => r.Points), Is.EqualTo(new[] { 85.0 }));
        Assert.That(data.IsLatestForCommit(rows[0]), Is.False);
    }

    [Test]
    public void Build_BestPerModule_PrefersAPassOverMorePointsThatFailedAGate()
    {
        var rows = Rows.From(
            Records.Make(sha: ShaA, points: 95, passed: false, minutes: 0),
            Records.Make(sha: ShaB, points: 75, passed: true, minutes: 10),
            Records.Make(sha: "c".PadRight(40, 'c'), points: 60, passed: false, minutes: 20));

        var data = ReportDataLoader.Build([], rows, new ReportFilter(), Records.T0);

        var learner = data.Learners.Single();
        Assert.That(data.BestOf(learner, "MOD-101")!.HeadSha, Is.EqualTo(ShaB));
        Assert.That(data.Latest, Has.Count.EqualTo(3));
    }

    [Test]
    public void Build_IncompleteGrading_IsNeitherAnAttemptNorAFailure()
    {
        var rows = Rows.From(
            Records.Make(sha: ShaA, points: 80, passed: true, minutes: 0),
            Records.Make(sha: ShaA, points: 0, passed: false, complete: false, minutes: 30));

        var data = ReportDataLoader.Build([], rows, new ReportFilter(), Records.T0);

        Assert.Multiple(() =>
        {
            Assert.That(data.Rows, Has.Count.EqualTo(2));
            Assert.That(data.Latest.Single().Points, Is.EqualTo(80));
            Assert.That(data.Best.Values.Single().Passed, Is.True);
            Assert.That(data.IsLatestForCommit(rows[1]) || data.IsBestForModule(rows[1]), Is.False);
        });
    }

    [Test]
    public void Build_RosterAndEvidence_ListsUnknownLoginsAndLearnersWithoutSubmission()
    {
        RosterEntry[] roster = [new("S1", "Alice A", null, "Alice", 1001, "x"), new("S2", "Bob B", null, "bob", null, "x")];
        var rows = Rows.From(Records.Make(login: "alice"), Records.Make(login: "mallory", githubId: 666));

        var data = ReportDataLoader.Build(roster, rows, new ReportFilter(), Records.T0);

        Assert.That(data.Learners.Select(l => (l.Name, l.Status)), Is.EqualTo(new[]
        {
            ("Alice A", RosterStatus.Submitted),
            ("Bob B", RosterStatus.NoSubmission),
            ("mallory", RosterStatus.NotOnRoster),
        }));
    }

    [Test]
    public void Build_RenamedLogin_IsMatchedByGitHubId()
    {
        RosterEntry[] roster = [new("S1", "Alice A", null, "alice-old", 1001, "x")];
        var rows = Rows.From(Records.Make(login: "alice-new", githubId: 1001));

        var data = ReportDataLoader.Build(roster, rows, new ReportFilter(), Records.T0);

        Assert.That(data.Learners.Single().Status, Is.EqualTo(RosterStatus.Submitted));
        Assert.That(data.LearnerOf(rows[0]).LearnerId, Is.EqualTo("S1"));
    }

    [Test]
    public void Build_CohortAndLearnerFilters_KeepOnlyTheirLearnersAndRecords()
    {
        RosterEntry[] roster = [new("S1", "Alice", "alice@x.test", "alice", 1001, "spring"), new("S2", "Bob", null, "bob", 1002, "fall")];
        var rows = Rows.From(Records.Make(login: "alice"), Records.Make(login: "bob", githubId: 1002), Records.Make(login: "zed", githubId: 9));

        var spring = ReportDataLoader.Build(roster, rows, new ReportFilter { Cohort = "SPRING" }, Records.T0);
        var byEmail = ReportDataLoader.Build(roster, rows, new ReportFilter { Learner = "alice@x.test" }, Records.T0);

        Assert.That(spring.Learners.Select(l => l.LearnerId), Is.EqualTo(new[] { "S1" }));
        Assert.That(spring.Rows.Select(r => r.LearnerLogin), Is.EqualTo(new[] { "alice" }));
        Assert.That(byEmail.Rows.Select(r => r.LearnerLogin), Is.EqualTo(new[] { "alice" }));
    }
}
