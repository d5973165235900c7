using Grader.Evidence.Store;

namespace Grader.Evidence.Reports;

/// <summary>A module as the report shows it: its title and points from the newest record of it.</summary>
public sealed record ReportModule(string Id, string Title, double MaxPoints);

/// <summary>
/// The records and learners a report covers, with the two selections every report uses and names:
/// <b>latest per commit</b> (a re-grade of the same commit supersedes the earlier grading: these are the attempts) and
/// <b>best per learner and module</b> (the best of those attempts: passed first, then points, then earliest). Incomplete
/// gradings (grader errors) are in <see cref="Rows"/> but in neither selection: never an attempt, never a failure.
/// </summary>
public sealed class ReportData
{
    private readonly Dictionary<long, ReportLearner> _learnerOf;
    private readonly HashSet<long> _latest;
    private readonly HashSet<long> _best;

    public ReportData(IReadOnlyList<EvidenceRow> rows, IReadOnlyList<ReportLearner> learners, Dictionary<long, ReportLearner> learnerOf, ReportFilter filter, DateTimeOffset generatedAt)
    {
        ArgumentNullException.ThrowIfNull(rows);
        Rows = rows;
        Learners = learners;
        _learnerOf = learnerOf;
        Filter = filter;
        GeneratedAt = generatedAt;

        Latest = rows.Where(r => r.Complete)
            .GroupBy(r => (r.Repository, r.HeadSha, r.ModuleId))
            .Select(g => g.MaxBy(r => (r.GradedAt, r.Seq))!)
            .OrderBy(r => r.Seq)
            .ToList();
        _latest = Latest.Select(r => r.Seq).ToHashSet();
        Best = Latest
            .GroupBy(r => (LearnerOf(r).Key, r.ModuleId))
            .ToDictionary(g => g.Key, g => g.OrderByDescending(r => r.Passed).ThenByDescending(r => r.Points).ThenBy(r => r.GradedAt).ThenBy(r => r.Seq).First());
        _best = Best.Values.Select(r => r.Seq).ToHashSet();
        Modules = rows
            .GroupBy(r => r.ModuleId, StringComparer.Ordinal)
            .Select(g => g.MaxBy(r => r.Seq)!)
            .Select(r => new ReportModule(r.ModuleId, r.ModuleTitle, r.MaxPoints))
            .OrderBy(m => m.Id, StringComparer.Ordinal)
            .ToList();
    }

    public ReportFilter Filter { get; }
    public DateTimeOffset GeneratedAt { get; }

    /// <summary>Every record in scope, oldest first, grader errors included.</summary>
    public IReadOnlyList<EvidenceRow> Rows { get; }

    /// <summary>Roster learners in scope (with or without evidence), then logins not on the roster.</summary>
    public IReadOnlyList<ReportLearner> Learners { get; }

    public IReadOnlyList<ReportModule> Modules { get; }

    /// <summary>The latest complete grading of each (repository, commit, module): the attempts.</summary>
    public IReadOnlyList<EvidenceRow> Latest { get; }

    /// <summary>The best attempt per (learner key, module).</summary>
    public IReadOnlyDictionary<(string Learner, string Module), EvidenceRow> Best { get; }

    public ReportLearner LearnerOf(EvidenceRow row) => _learnerOf[row.Seq];

    public bool IsLatestForCommit(EvidenceRow row) => _latest.Contains(row.Seq);

    public bool IsBestForModule(EvidenceRow row) => _best.Contains(row.Seq);

    public EvidenceRow? BestOf(ReportLearner learner, string moduleId) => Best.GetValueOrDefault((learner.Key, moduleId));

    /// <summary>Competencies in scope: id to display name, in first-seen order (names need the records' JSON; ids otherwise).</summary>
    public IReadOnlyList<(string Id, string Name)> Competencies(Func<string, string>? nameOf = null)
    {
        var seen = new List<(string, string)>();
        var ids = new HashSet<string>(StringComparer.Ordinal);
        foreach (var row in Best.Values.OrderBy(r => r.ModuleId, StringComparer.Ordinal))
        {
            foreach (var (id, _) in row.CompetencyLevels())
            {
                if (ids.Add(id)) seen.Add((id, nameOf?.Invoke(id) ?? id));
            }
        }
        return seen;
    }
}
