using Grader.Rubrics.Model;
using Grader.Rubrics.Results;

namespace Grader.Rubrics.Tests.Scoring;

/// <summary>Rubrics and results built in code, so scoring is tested without the loader.</summary>
internal static class TestRubrics
{
    public static Criterion Criterion(string id, double points, bool gate = false, CreditRule? credit = null,
        FeedbackTemplates? feedback = null, IReadOnlyList<EvidenceSpec>? evidence = null, CheckSpec? check = null) => new()
        {
            Id = id,
            Title = $"Title of {id}",
            Points = points,
            Gate = gate,
            Check = check ?? new FilesCheck { Require = [new RequiredFile("README.md", [])] },
            Credit = credit,
            Feedback = feedback ?? new FeedbackTemplates(),
            Evidence = evidence ?? [],
        };

    public static Rubric Rubric(params Criterion[] criteria) => new()
    {
        Module = new ModuleInfo("MOD-900", "Test module"),
        Competencies =
        [
            new Competency("automation", "Automation", ProficiencyLevel.Proficient),
            new Competency("reliability", "Reliability", ProficiencyLevel.Expert),
        ],
        Criteria = criteria,
    };

    public static CheckResult Passed(string id, double? measure = null) =>
        new() { CriterionId = id, Status = CheckStatus.Passed, Measure = measure };

    public static CheckResult Failed(string id, double? measure = null, string? message = null) =>
        new() { CriterionId = id, Status = CheckStatus.Failed, Measure = measure, Message = message };

    public static CheckResult[] AllPassed(Rubric rubric) => rubric.Criteria.Select(c => Passed(c.Id)).ToArray();
}
