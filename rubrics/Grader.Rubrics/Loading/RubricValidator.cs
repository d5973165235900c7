using System.Globalization;
using Grader.Rubrics.Model;

namespace Grader.Rubrics.Loading;

/// <summary>Rules that need the whole assembled rubric: module, references, points, service; then builds the model.</summary>
internal static class RubricValidator
{
    /// <summary>Total the weights are normalised to when the rubric gives no <c>total_points</c>.</summary>
    public const double DefaultTotalPoints = 100;

    public static Rubric? Finish(RubricLayer root, ComposedRubric assembly, bool asFragment, DiagnosticBag bag)
    {
        var top = root.TopLocation ?? new SourceLocation(root.DisplayPath, 1, 1);
        if (!asFragment)
        {
            if (!root.HasModule)
                bag.Add(top, "this file has no 'module', so it is a fragment and cannot be used as a rubric on its own; a module's rubric starts with 'module: { id, title }' (a fragment is named by another rubric's 'include' or 'extends')");
            if (assembly.Competencies.Count == 0 && !assembly.WritesCompetencies)
                bag.Add(top, "the rubric declares no competencies; add 'competencies:' with at least one 'id: { name, level }'");
            if (assembly.Criteria.Count == 0 && !assembly.WritesCriteria)
                bag.Add(top, "the rubric has no criteria; add 'criteria:' with at least one criterion");
            CheckEvidence(assembly, bag);
            CheckService(assembly, bag);
            CheckVisibility(assembly, bag);
            CheckLeaderboard(assembly, bag);
        }
        var usesWeights = CheckAmounts(assembly, bag);
        if (!asFragment) CheckTotal(assembly, usesWeights, bag);

        var criteria = assembly.Criteria.Select(c => c.Criterion).ToList();
        if (criteria.Any(c => c is null) || (!asFragment && root.Module is null)) return null;
        var built = criteria.Select(c => c!).ToList();
        if (usesWeights)
        {
            var total = assembly.TotalPoints?.Value ?? DefaultTotalPoints;
            var sum = assembly.Criteria.Sum(c => c.Weight ?? 0);
            built = built.Select((c, i) => c with { Points = total * (assembly.Criteria[i].Weight ?? 0) / sum }).ToList();
        }

        var review = assembly.Review.Aggregate(new ReviewPolicy(), (policy, s) => s.Apply(policy));
        var service = assembly.HasService ? assembly.Service.Aggregate(new ServiceSpec(), (spec, s) => s.Apply(spec)) : null;
        var limits = assembly.Limits.Aggregate(new SandboxLimits(), (l, s) => s.Apply(l));
        return new Rubric
        {
            Module = root.Module ?? new ModuleInfo("", ""),
            Competencies = assembly.Competencies.Select(c => c.Competency).ToList(),
            PassMark = assembly.PassMark ?? 0.7,
            TotalPoints = assembly.TotalPoints?.Value,
            Review = review,
            Service = service,
            Limits = limits,
            Deadline = assembly.Deadline,
            Leaderboard = LeaderboardOf(assembly),
            Criteria = built,
            SourceFiles = assembly.SourceFiles.ToList(),
            Directory = Path.GetDirectoryName(root.FullPath),
        };
    }

    private static void CheckEvidence(ComposedRubric assembly, DiagnosticBag bag)
    {
        var declared = assembly.Competencies.Select(c => c.Competency.Id).ToList();
        foreach (var evidence in assembly.Criteria.SelectMany(c => c.Evidence))
        {
            var id = evidence.Evidence.CompetencyId;
            if (declared.Contains(id)) continue;
            var hint = Suggestions.Closest(id, declared) is { } s ? $"; did you mean '{s}'?" : declared.Count > 0 ? $"; declared: {string.Join(", ", declared)}" : "; no competencies are declared";
            bag.Add(evidence.Location, $"evidence names competency '{id}', which is not declared under 'competencies'{hint}");
        }
    }

    private static void CheckService(ComposedRubric assembly, DiagnosticBag bag)
    {
        if (assembly.HasService) return;
        foreach (var criterion in assembly.Criteria)
        {
            foreach (var (check, location) in criterion.ServiceChecks)
                bag.Add(location, $"criterion '{criterion.Id}' needs the learner's service running (its check is '{check.Kind}'); add a top-level 'service' section (at least 'port')");
        }
    }

    private static void CheckVisibility(ComposedRubric assembly, DiagnosticBag bag)
    {
        if (assembly.HasDeadline) return;
        foreach (var criterion in assembly.Criteria.Where(c => c.AfterDueDateLocation is not null))
            bag.Add(criterion.AfterDueDateLocation!, $"criterion '{criterion.Id}' is shown 'after_due_date', but the rubric has no 'deadline'; add a top-level 'deadline' (or use 'after_published')");
    }

    /// <summary>A leaderboard ranks one measured value: its criterion must be a benchmark or load criterion of this rubric.</summary>
    private static void CheckLeaderboard(ComposedRubric assembly, DiagnosticBag bag)
    {
        if (assembly.Leaderboard is not { } board) return;
        var criterion = assembly.Criteria.FirstOrDefault(c => c.Id == board.CriterionId);
        if (criterion is null)
        {
            var ids = assembly.Criteria.Select(c => c.Id).ToList();
            var hint = Suggestions.Closest(board.CriterionId, ids) is { } s ? $"; did you mean '{s}'?" : "";
            bag.Add(board.CriterionLocation, $"'leaderboard' ranks criterion '{board.CriterionId}', which the rubric does not have{hint}");
            return;
        }
        if (criterion.Criterion is { Check: not (BenchmarkCheck or LoadCheck) } c)
        {
            bag.Add(board.CriterionLocation, $"'leaderboard' ranks criterion '{board.CriterionId}', whose check is '{c.Check.Kind}'; a leaderboard ranks a 'benchmark' or 'load' criterion");
        }
    }

    /// <summary>The model's leaderboard; the order defaults to the check's own (a benchmark's <c>higher_is_better</c>, a load check's latency: lower).</summary>
    private static Leaderboard? LeaderboardOf(ComposedRubric assembly)
    {
        if (assembly.Leaderboard is not { } board) return null;
        var check = assembly.Criteria.FirstOrDefault(c => c.Id == board.CriterionId)?.Criterion?.Check;
        var order = board.Order ?? (check is BenchmarkCheck { HigherIsBetter: true } ? LeaderboardOrder.HigherIsBetter : LeaderboardOrder.LowerIsBetter);
        return new Leaderboard(board.CriterionId, order, board.Show) { Location = board.Location };
    }

    /// <summary>Reports criteria mixing points and weights; returns whether the rubric uses weights.</summary>
    private static bool CheckAmounts(ComposedRubric assembly, DiagnosticBag bag)
    {
        var first = assembly.Criteria.FirstOrDefault(c => c.AmountLocation is not null);
        if (first is null) return false;
        var weights = first.Weight is not null;
        foreach (var criterion in assembly.Criteria.Where(c => c.AmountLocation is not null && (c.Weight is not null) != weights))
        {
            var (mine, theirs) = weights ? ("points", "weight") : ("weight", "points");
            bag.Add(criterion.AmountLocation!, $"criterion '{criterion.Id}' uses '{mine}' but criterion '{first.Id}' ({Where.Of(first.AmountLocation!, criterion.AmountLocation!)}) uses '{theirs}'; a rubric uses points or weights, not both");
        }
        return weights;
    }

    private static void CheckTotal(ComposedRubric assembly, bool usesWeights, DiagnosticBag bag)
    {
        if (usesWeights || assembly.Criteria.Count == 0 || assembly.Criteria.Any(c => c.Points is null && c.Weight is null)) return;
        var sum = assembly.Criteria.Sum(c => c.Points ?? 0);
        if (assembly.TotalPoints is { } total)
        {
            if (Math.Abs(sum - total.Value) > 1e-9)
            {
                var parts = string.Join(" + ", assembly.Criteria.Select(c => Format(c.Points ?? 0)));
                bag.Add(total.Location, $"the criteria's points add up to {Format(sum)} ({parts}), but total_points is {Format(total.Value)}");
            }
        }
        else if (sum <= 0)
        {
            bag.Add(assembly.Criteria[0].AmountLocation ?? assembly.Criteria[0].Location, "the criteria's points add up to 0; give at least one criterion points");
        }
    }

    private static string Format(double value) => value.ToString("0.###", CultureInfo.InvariantCulture);
}
