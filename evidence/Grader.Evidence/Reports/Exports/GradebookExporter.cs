using System.Text;
using Grader.Evidence.Text;

namespace Grader.Evidence.Reports.Exports;

/// <summary>
/// A gradebook import: one row per learner, one column per module holding the best attempt's points (empty when the
/// learner has no complete attempt). Roster learners first; logins with evidence but no roster entry follow, marked,
/// so the LMS importer shows them rather than the export dropping them.
/// </summary>
public abstract class GradebookExporter : IReportExporter
{
    public abstract string Format { get; }
    public string Extension => ".csv";
    public string ContentType => "text/csv; charset=utf-8";
    public bool NeedsRecordJson => false;

    protected abstract IReadOnlyList<string> IdentityColumns { get; }

    protected abstract string ModuleColumn(ReportModule module);

    protected abstract IEnumerable<string?> Identity(ReportLearner learner);

    /// <summary>A row under the header (Canvas's Points Possible), or null.</summary>
    protected virtual IEnumerable<string>? PointsPossible(IReadOnlyList<ReportModule> modules) => null;

    public async Task WriteAsync(ExportContext context, Stream output, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var data = context.Data;
        await using var writer = new StreamWriter(output, new UTF8Encoding(false), 1 << 16, leaveOpen: true);
        var header = IdentityColumns.Concat(data.Modules.Select(ModuleColumn)).Select(Csv.Field);
        await writer.WriteAsync(string.Join(',', header) + "\n").ConfigureAwait(false);
        if (PointsPossible(data.Modules) is { } possible) await writer.WriteAsync(string.Join(',', possible) + "\n").ConfigureAwait(false);
        foreach (var learner in data.Learners)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var cells = Identity(learner).Select(Csv.Field)
                .Concat(data.Modules.Select(m => data.BestOf(learner, m.Id) is { } best ? Csv.Number(best.Points) : ""));
            await writer.WriteAsync(string.Join(',', cells) + "\n").ConfigureAwait(false);
        }
        await writer.FlushAsync(cancellationToken).ConfigureAwait(false);
    }
}

/// <summary>Canvas's gradebook import CSV: <c>Student,ID,SIS User ID,SIS Login ID,Section,&lt;Assignment&gt; (&lt;id&gt;)</c> and a Points Possible row.</summary>
public sealed class CanvasExporter : GradebookExporter
{
    public override string Format => "canvas";

    protected override IReadOnlyList<string> IdentityColumns => ["Student", "ID", "SIS User ID", "SIS Login ID", "Section"];

    protected override string ModuleColumn(ReportModule module) => $"{module.Title} ({module.Id})";

    protected override IEnumerable<string>? PointsPossible(IReadOnlyList<ReportModule> modules) =>
        new[] { "Points Possible", "", "", "", "" }.Concat(modules.Select(m => Csv.Number(m.MaxPoints)));

    /// <remarks>Canvas's own numeric ID is unknown to Grader: left empty, Canvas matches on the SIS ids.</remarks>
    protected override IEnumerable<string?> Identity(ReportLearner learner) =>
        [learner.Name, "", learner.LearnerId, learner.Roster?.Email ?? learner.Login, learner.Status == RosterStatus.NotOnRoster ? "not on roster" : learner.Cohort];
}

/// <summary>Moodle's grade import CSV: identity columns to map in Moodle's import form (ID number or email), one column per module.</summary>
public sealed class MoodleExporter : GradebookExporter
{
    public override string Format => "moodle";

    protected override IReadOnlyList<string> IdentityColumns => ["ID number", "Email address", "Full name", "Cohort", "GitHub login"];

    protected override string ModuleColumn(ReportModule module) => $"{module.Id}: {module.Title}";

    protected override IEnumerable<string?> Identity(ReportLearner learner) =>
        [learner.LearnerId, learner.Roster?.Email, learner.Name, learner.Status == RosterStatus.NotOnRoster ? "not on roster" : learner.Cohort, learner.Login];
}
