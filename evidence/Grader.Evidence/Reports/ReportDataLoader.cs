using Grader.Evidence.Rosters;
using Grader.Evidence.Store;

namespace Grader.Evidence.Reports;

/// <summary>Reads what a report covers from the store and joins it to the roster (by GitHub id when both know it, else by login).</summary>
public static class ReportDataLoader
{
    public static async Task<ReportData> LoadAsync(EvidenceDatabase database, ReportFilter filter, bool withJson, TimeProvider time, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(database);
        ArgumentNullException.ThrowIfNull(filter);
        ArgumentNullException.ThrowIfNull(time);
        var roster = await database.Roster.ListAsync(cancellationToken).ConfigureAwait(false);
        var rows = await database.Records.QueryAsync(new EvidenceQuery
        {
            ModuleId = filter.ModuleId,
            Since = filter.Since,
            Until = filter.Until,
            WithJson = withJson,
        }, cancellationToken).ToListAsync(cancellationToken).ConfigureAwait(false);
        return Build(roster, rows, filter, time.GetUtcNow());
    }

    public static ReportData Build(IReadOnlyList<RosterEntry> roster, IReadOnlyList<EvidenceRow> rows, ReportFilter filter, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(roster);
        ArgumentNullException.ThrowIfNull(rows);
        ArgumentNullException.ThrowIfNull(filter);
        var byGitHubId = roster.Where(e => e.GitHubId is not null).GroupBy(e => e.GitHubId!.Value).ToDictionary(g => g.Key, g => g.First());
        var byLogin = roster.Where(e => e.LoginKey is not null).ToDictionary(e => e.LoginKey!, StringComparer.Ordinal);

        var learners = new Dictionary<string, ReportLearner>(StringComparer.Ordinal);
        var learnerOf = new Dictionary<long, ReportLearner>();
        // A learner has many records: resolve each (login, id) once.
        var resolved = new Dictionary<(string Login, long? Id), ReportLearner>();
        foreach (var row in rows)
        {
            if (!resolved.TryGetValue((row.LearnerLogin, row.LearnerGitHubId), out var learner))
            {
                var loginKey = row.LearnerKey;
                var entry = (row.LearnerGitHubId is { } id ? byGitHubId.GetValueOrDefault(id) : null) ?? byLogin.GetValueOrDefault(loginKey);
                var key = entry is not null ? "roster:" + entry.LearnerId : "login:" + loginKey;
                if (!learners.TryGetValue(key, out learner))
                {
                    learner = new ReportLearner(key, entry, entry?.GitHubLogin ?? row.LearnerLogin, entry?.GitHubId ?? row.LearnerGitHubId,
                        entry is null ? RosterStatus.NotOnRoster : RosterStatus.Submitted);
                    learners[key] = learner;
                }
                resolved[(row.LearnerLogin, row.LearnerGitHubId)] = learner;
            }
            learnerOf[row.Seq] = learner;
        }
        foreach (var entry in roster)
        {
            var key = "roster:" + entry.LearnerId;
            if (!learners.ContainsKey(key)) learners[key] = new ReportLearner(key, entry, entry.GitHubLogin, entry.GitHubId, RosterStatus.NoSubmission);
        }

        bool InScope(ReportLearner l) =>
            (filter.Cohort is null || string.Equals(l.Cohort, filter.Cohort, StringComparison.OrdinalIgnoreCase)) &&
            (filter.Learner is null || Matches(l, filter.Learner));

        var included = learners.Values.Where(InScope)
            .OrderBy(l => l.Status == RosterStatus.NotOnRoster)
            .ThenBy(l => l.Roster?.LearnerId ?? l.Login, StringComparer.Ordinal)
            .ToList();
        var includedKeys = included.Select(l => l.Key).ToHashSet(StringComparer.Ordinal);
        var scopedRows = rows.Where(r => includedKeys.Contains(learnerOf[r.Seq].Key)).ToList();
        return new ReportData(scopedRows, included, learnerOf, filter, now);
    }

    private static bool Matches(ReportLearner learner, string wanted) =>
        string.Equals(learner.LearnerId, wanted, StringComparison.Ordinal) ||
        string.Equals(learner.Login, wanted, StringComparison.OrdinalIgnoreCase) ||
        string.Equals(learner.Roster?.Email, wanted, StringComparison.OrdinalIgnoreCase);
}
