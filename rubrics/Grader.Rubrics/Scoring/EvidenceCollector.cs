using Grader.Rubrics.Model;

namespace Grader.Rubrics.Scoring;

/// <summary>Competency evidence from met criteria: per competency, the highest level shown and the criteria that showed it.</summary>
internal static class EvidenceCollector
{
    public static IReadOnlyList<CompetencyEvidence> Collect(Rubric rubric, IReadOnlyList<ScoredCriterion> scored)
    {
        var best = new Dictionary<string, (ProficiencyLevel Level, List<string> Criteria)>(StringComparer.Ordinal);
        foreach (var criterion in scored.Where(s => s.Outcome == CriterionOutcome.Met).Select(s => s.Criterion))
        {
            foreach (var evidence in criterion.Evidence)
            {
                if (!best.TryGetValue(evidence.CompetencyId, out var current) || evidence.Level > current.Level)
                    best[evidence.CompetencyId] = (evidence.Level, [criterion.Id]);
                else if (evidence.Level == current.Level && !current.Criteria.Contains(criterion.Id))
                    current.Criteria.Add(criterion.Id);
            }
        }

        // Declared competencies first in declaration order, then any undeclared ids (only possible for rubrics built in code) by id.
        var order = rubric.Competencies.Select(c => c.Id).ToList();
        return best
            .OrderBy(kv => order.IndexOf(kv.Key) is var i and >= 0 ? i : int.MaxValue)
            .ThenBy(kv => kv.Key, StringComparer.Ordinal)
            .Select(kv => new CompetencyEvidence(
                kv.Key,
                rubric.FindCompetency(kv.Key)?.Name ?? kv.Key,
                kv.Value.Level,
                kv.Value.Criteria[0]) { CriterionIds = kv.Value.Criteria })
            .ToList();
    }
}
