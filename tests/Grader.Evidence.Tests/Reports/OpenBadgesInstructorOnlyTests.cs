using Grader.Evidence.Model;
using Grader.Evidence.Recording;
using Grader.Evidence.Signing;
using Grader.Evidence.Reports;
using Grader.Evidence.Reports.Exports;
using Grader.Evidence.Tests.Support;
using Grader.Rubrics.Model;
using Grader.Rubrics.Results;

namespace Grader.Evidence.Tests.Reports;

/// <summary>An Open Badges credential goes to the learner: it never names a criterion the rubric marks instructor-only (visibility: hidden).</summary>
public sealed class OpenBadgesInstructorOnlyTests
{
    private static string Narrative(params CriterionEvidence[] criteria)
    {
        var competency = new CompetencyLevel("containers", "Containerisation", "Proficient", criteria.Select(c => c.Id).ToList());
        var record = Records.Make(criteria: criteria, competencies: [competency]);
        var row = Rows.From(record)[0];
        var credential = OpenBadgesExporter.Credential(new ExportSettings(), new ReportLearner("alice", null, "alice", 1001, RosterStatus.Submitted),
            competency, [(row, record)], Records.T0);
        return credential["credentialSubject"]!["achievement"]!["criteria"]!["narrative"]!.GetValue<string>();
    }

    [Test]
    public void Credential_InstructorOnlyCriterion_NotNamed()
    {
        var narrative = Narrative(
            new CriterionEvidence("build", "The image builds", "met", 20, 20),
            new CriterionEvidence("zanzibar-secret", "Zanzibar secret contract", "met", 80, 80) { InstructorOnly = true });
        Assert.Multiple(() =>
        {
            Assert.That(narrative, Does.Contain("The image builds"));
            Assert.That(narrative, Does.Not.Contain("Zanzibar").And.Not.Contain("zanzibar"));
        });
    }

    [Test]
    public void Credential_OnlyInstructorOnlyCriteria_NamesNone()
    {
        var narrative = Narrative(new CriterionEvidence("zanzibar-secret", "Zanzibar secret contract", "met", 80, 80) { InstructorOnly = true });
        Assert.That(narrative, Does.Not.Contain("Zanzibar").And.Not.Contain("zanzibar"));
    }

    [Test]
    public void Credential_VisibleCriterion_Named()
    {
        var narrative = Narrative(new CriterionEvidence("zanzibar-secret", "Zanzibar secret contract", "met", 80, 80));
        Assert.That(narrative, Does.Contain("Zanzibar secret contract"));
    }

    [Test]
    public void FromRun_HiddenCriterion_RecordedAsInstructorOnlyOthersWithoutTheField()
    {
        static Criterion Criterion(string id, CriterionVisibility visibility) => new()
        {
            Id = id,
            Title = id,
            Points = 10,
            Check = new FilesCheck { Require = [new RequiredFile("README.md", [])] },
            Visibility = visibility,
        };
        var rubric = new Rubric
        {
            Module = new ModuleInfo("MOD-1", "Visibility"),
            Competencies = [new Competency("docs", "Docs", ProficiencyLevel.Working)],
            Criteria = [Criterion("open", CriterionVisibility.Visible), Criterion("secret", CriterionVisibility.Hidden)],
        };
        CheckResult[] results = [new() { CriterionId = "open", Status = CheckStatus.Passed }, new() { CriterionId = "secret", Status = CheckStatus.Passed }];
        var run = Records.RunOf(rubric, results);

        var record = EvidenceRecordFactory.FromRun(run, new SubmissionIdentity("alice", "course/lab-alice") { HeadSha = new string('1', 40) });
        var json = System.Text.Encoding.UTF8.GetString(CanonicalJson.Of(record));

        Assert.Multiple(() =>
        {
            Assert.That(record.Criteria.Select(c => (c.Id, c.InstructorOnly)), Is.EqualTo(new (string, bool?)[] { ("open", null), ("secret", true) }));
            Assert.That(json.Split("instructorOnly").Length - 1, Is.EqualTo(1), "only the hidden criterion carries the field");
            Assert.That(record.Points, Is.EqualTo(20), "the instructor's record counts it");
        });
    }
}
