using System.Text;
using Grader.Evidence.Model;
using Grader.Evidence.Reports.Exports;
using Grader.Evidence.Rosters;
using Grader.Evidence.Signing;
using Grader.Evidence.Store;

namespace Grader.Evidence.Reports.Leaderboards;

/// <summary>
/// Builds a module's leaderboard from the store: only records whose signature checks against the store's key, read
/// from their signed JSON (never from the scalar columns, which the signature does not cover), only complete gradings,
/// each learner's best measured value of the ranked criterion (ties: the earlier grading).
/// </summary>
public static class LeaderboardBuilder
{
    public const string Anonymous = "anonymous";

    public static async Task<LeaderboardResult> LoadAsync(EvidenceDatabase database, string moduleId, EvidenceSigningKey trusted, TimeProvider time, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(database);
        ArgumentNullException.ThrowIfNull(moduleId);
        ArgumentNullException.ThrowIfNull(time);
        var roster = await database.Roster.ListAsync(cancellationToken).ConfigureAwait(false);
        var rows = await database.Records.QueryAsync(new EvidenceQuery { ModuleId = moduleId, WithJson = true }, cancellationToken)
            .ToListAsync(cancellationToken).ConfigureAwait(false);
        return Build(moduleId, rows, roster, trusted, time.GetUtcNow());
    }

    public static LeaderboardResult Build(string moduleId, IReadOnlyList<EvidenceRow> rows, IReadOnlyList<RosterEntry> roster, EvidenceSigningKey trusted, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(rows);
        ArgumentNullException.ThrowIfNull(roster);
        ArgumentNullException.ThrowIfNull(trusted);
        var unverified = 0;
        var verified = new List<(EvidenceRow Row, EvidenceRecord Record)>();
        foreach (var row in rows)
        {
            if (Verified(row, trusted) is { } record && record.Module.Id == moduleId) verified.Add((EvidenceStore.ToRow(record, row.RecordJson!, row.Signature, row.KeyId) with { Seq = row.Seq }, record));
            else unverified++;
        }
        if (verified.Count == 0)
        {
            return LeaderboardResult.None(rows.Count == 0
                ? $"Module '{moduleId}' has no evidence, so no leaderboard."
                : $"Module '{moduleId}' has no record that verifies with the store's key ({trusted.KeyId}), so no leaderboard.");
        }
        var newest = verified.MaxBy(v => (v.Record.GradedAt, v.Row.Seq));
        if (newest.Record.Leaderboard is not { } settings)
        {
            return LeaderboardResult.None($"Module '{moduleId}' does not publish a leaderboard (its rubric has no 'leaderboard').");
        }

        // The roster join every report uses (GitHub id, else login), over rows rebuilt from the signed JSON.
        var data = ReportDataLoader.Build(roster, verified.Select(v => v.Row).ToList(), new ReportFilter(), now);
        var incomplete = 0;
        var notMeasured = 0;
        var measured = new List<(EvidenceRow Row, EvidenceRecord Record, MeasuredQuantity Value, string Text)>();
        foreach (var (row, record) in verified)
        {
            if (!record.Complete)
            {
                incomplete++;
                continue;
            }
            var criterion = record.Criteria.FirstOrDefault(c => c.Id == settings.Criterion);
            if (criterion is null || criterion.Outcome == "grader_error" || MeasuredQuantity.From(criterion.Measure, criterion.MeasuredValue) is not { } value)
            {
                notMeasured++;
                continue;
            }
            measured.Add((row, record, value, criterion.MeasuredValue ?? Format(value)));
        }
        // The board's unit is the one most results have; a result in another unit cannot be placed among them.
        var unit = measured.GroupBy(m => m.Value.Unit, StringComparer.Ordinal)
            .OrderByDescending(g => g.Count()).ThenBy(g => g.Key, StringComparer.Ordinal).Select(g => g.Key).FirstOrDefault() ?? "";
        var comparable = measured.Where(m => m.Value.Unit == unit).ToList();
        var higher = settings.Order == "higher_is_better";

        var best = new Dictionary<string, (EvidenceRow Row, EvidenceRecord Record, MeasuredQuantity Value, string Text)>(StringComparer.Ordinal);
        foreach (var m in comparable)
        {
            var key = data.LearnerOf(m.Row).Key;
            if (!best.TryGetValue(key, out var current) || Compare(m, current, higher) < 0) best[key] = m;
        }
        var ordered = best.OrderBy(b => b.Value, Comparer<(EvidenceRow Row, EvidenceRecord Record, MeasuredQuantity Value, string Text)>.Create((a, b) => Compare(a, b, higher))).ToList();
        var entries = new List<LeaderboardEntry>(ordered.Count);
        for (var i = 0; i < ordered.Count; i++)
        {
            var (row, record, value, text) = ordered[i].Value;
            // Equal values share a rank (1, 2, 2, 4).
            var rank = i > 0 && entries[i - 1].Value.Value == value.Value ? entries[i - 1].Rank : i + 1;
            var learner = data.LearnerOf(row);
            var alias = LearnerAlias.Sanitize(learner.Roster?.Alias);
            var (name, anonymous) = settings.Show == "login"
                ? (learner.Login ?? record.Learner.Login, false)
                : alias is not null ? (alias, false) : (Anonymous, true);
            entries.Add(new LeaderboardEntry(rank, name, anonymous, value, text, record.Submission.Repository, record.Submission.HeadSha,
                record.Submission.PullRequestNumber, HtmlExporter.LinkOf(row), record.GradedAt));
        }
        var title = newest.Record.Criteria.FirstOrDefault(c => c.Id == settings.Criterion)?.Title ?? settings.Criterion;
        var excluded = new LeaderboardExclusions(unverified, incomplete, notMeasured, measured.Count - comparable.Count);
        return new LeaderboardResult(new ModuleLeaderboard(moduleId, newest.Record.Module.Title, settings, title, unit, entries, excluded, trusted.KeyId, now), null);
    }

    /// <summary>The record when its signature checks against the trusted key, else null.</summary>
    private static EvidenceRecord? Verified(EvidenceRow row, EvidenceSigningKey trusted)
    {
        if (row.RecordJson is null || row.KeyId != trusted.KeyId) return null;
        if (!trusted.Verify(Encoding.UTF8.GetBytes(row.RecordJson), row.Signature)) return null;
        try
        {
            return row.Record();
        }
        catch (System.Text.Json.JsonException)
        {
            return null;
        }
    }

    /// <summary>Negative when <paramref name="a"/> ranks first: the better value, then the earlier grading.</summary>
    private static int Compare((EvidenceRow Row, EvidenceRecord Record, MeasuredQuantity Value, string Text) a, (EvidenceRow Row, EvidenceRecord Record, MeasuredQuantity Value, string Text) b, bool higher)
    {
        var byValue = a.Value.Value.CompareTo(b.Value.Value);
        if (byValue != 0) return higher ? -byValue : byValue;
        var byTime = a.Record.GradedAt.CompareTo(b.Record.GradedAt);
        return byTime != 0 ? byTime : a.Row.Seq.CompareTo(b.Row.Seq);
    }

    internal static string Format(MeasuredQuantity value) =>
        value.Value.ToString("0.####", System.Globalization.CultureInfo.InvariantCulture) + (value.Unit.Length > 0 ? " " + value.Unit : "");
}
