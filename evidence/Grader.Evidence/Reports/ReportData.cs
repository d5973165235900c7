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

        // One pass each (reports read 100,000 records): the latest per commit, then the best of those per learner and module.
        var latest = new Dictionary<(string, string, string), EvidenceRow>();
        var modules = new Dictionary<string, EvidenceRow>(StringComparer.Ordinal);
        foreach (var r in rows)
        {
            if (!modules.TryGetValue(r.ModuleId, out var m) || r.Seq > m.Seq) modules[r.ModuleId] = r;
            if (!r.Complete) continue;
            var key = (r.Repository, r.HeadSha, r.ModuleId);
            if (!latest.TryGetValue(key, out var current) || (r.GradedAt, r.Seq).CompareTo((current.GradedAt, current.Seq)) > 0) latest[key] = r;
        }
        _latest = latest.Values.Select(r => r.Seq).ToHashSet();
        Latest = rows.Where(r => _latest.Contains(r.Seq)).ToList();
        var best = new Dictionary<(string Learner, string Module), EvidenceRow>();
        foreach (var r in Latest)
        {
            var key = (LearnerOf(r).Key, r.ModuleId);
            if (!best.TryGetValue(key, out var current) || Better(r, current)) best[key] = r;
        }
        Best = best;
        _best = best.Values.Select(r => r.Seq).ToHashSet();
        Modules = modules.Values
            .Select(r => new ReportModule(r.ModuleId, r.ModuleTitle, r.MaxPoints))
            .OrderBy(m => m.Id, StringComparer.Ordinal)
            .ToList();
    }

    /// <summary>Passed first, then more points, then earlier, then first recorded.</summary>
    private static bool Better(EvidenceRow a, EvidenceRow b) =>
        a.Passed != b.Passed ? a.Passed
        : a.Points != b.Points ? a.Points > b.Points
        : a.GradedAt != b.GradedAt ? a.GradedAt < b.GradedAt
        : a.Seq < b.Seq;

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
