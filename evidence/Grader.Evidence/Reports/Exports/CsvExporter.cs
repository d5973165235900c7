using System.Text;
using Grader.Evidence.Store;
using Grader.Evidence.Text;

namespace Grader.Evidence.Reports.Exports;

/// <summary>
/// One row per record in scope, then one per roster learner with no submission; columns are a stable contract
/// (evidence/README.md, "csv"). Reads only the stored columns.
/// </summary>
public sealed class CsvExporter : IReportExporter
{
    public static readonly IReadOnlyList<string> Columns =
    [
        "record_id", "graded_at", "learner_id", "learner_name", "email", "cohort", "github_login", "github_id", "roster_status",
        "repository", "pr_number", "pr_url", "head_sha", "module_id", "module_title", "rubric_id", "rubric_hash",
        "points", "max_points", "percentage", "passed", "complete", "latest_for_commit", "best_for_module", "competencies",
        "image_digest", "runner_id", "gpu_model", "gpu_driver", "started_at", "review_url", "check_run_url", "key_id", "signature",
    ];

    public string Format => "csv";
    public string Extension => ".csv";
    public string ContentType => "text/csv; charset=utf-8";
    public bool NeedsRecordJson => false;

    public async Task WriteAsync(ExportContext context, Stream output, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var data = context.Data;
        await using var writer = new StreamWriter(output, new UTF8Encoding(false), 1 << 16, leaveOpen: true);
        await writer.WriteAsync(string.Join(',', Columns) + "\n").ConfigureAwait(false);
        var line = new StringBuilder(1 << 19);
        foreach (var row in data.Rows)
        {
            Append(line, row, data);
            // Written in chunks: one await per row costs more than the row.
            if (line.Length < 1 << 18) continue;
            cancellationToken.ThrowIfCancellationRequested();
            await writer.WriteAsync(line, cancellationToken).ConfigureAwait(false);
            line.Clear();
        }
        await writer.WriteAsync(line, cancellationToken).ConfigureAwait(false);
        foreach (var learner in data.Learners.Where(l => l.Status == RosterStatus.NoSubmission))
        {
            line.Clear();
            line.Append(',').Append(',')
                .Append(Csv.Field(learner.LearnerId)).Append(',')
                .Append(Csv.Field(learner.Name)).Append(',')
                .Append(Csv.Field(learner.Roster?.Email)).Append(',')
                .Append(Csv.Field(learner.Cohort)).Append(',')
                .Append(Csv.Field(learner.Login)).Append(',')
                .Append(Csv.Number(learner.GitHubId)).Append(',')
                .Append(ReportLearner.StatusText(learner.Status))
                .Append(',', Columns.Count - 9).Append('\n');
            await writer.WriteAsync(line, cancellationToken).ConfigureAwait(false);
        }
        await writer.FlushAsync(cancellationToken).ConfigureAwait(false);
    }

    private static void Append(StringBuilder s, EvidenceRow r, ReportData data)
    {
        var learner = data.LearnerOf(r);
        s.Append(r.RecordId).Append(',')
         .Append(Csv.Time(r.GradedAt)).Append(',')
         .Append(Csv.Field(learner.LearnerId)).Append(',')
         .Append(Csv.Field(learner.Roster?.Name)).Append(',')
         .Append(Csv.Field(learner.Roster?.Email)).Append(',')
         .Append(Csv.Field(learner.Cohort)).Append(',')
         .Append(Csv.Field(r.LearnerLogin)).Append(',')
         .Append(Csv.Number(r.LearnerGitHubId)).Append(',')
         .Append(ReportLearner.StatusText(learner.Status)).Append(',')
         .Append(Csv.Field(r.Repository)).Append(',')
         .Append(Csv.Number(r.PullRequestNumber)).Append(',')
         .Append(Csv.Field(r.PullRequestUrl)).Append(',')
         .Append(Csv.Field(r.HeadSha)).Append(',')
         .Append(Csv.Field(r.ModuleId)).Append(',')
         .Append(Csv.Field(r.ModuleTitle)).Append(',')
         .Append(Csv.Field(r.RubricId)).Append(',')
         .Append(r.RubricHash).Append(',')
         .Append(Csv.Number(r.Points)).Append(',')
         .Append(Csv.Number(r.MaxPoints)).Append(',')
         .Append(Csv.Number(r.Percentage)).Append(',')
         .Append(Csv.Bool(r.Passed)).Append(',')
         .Append(Csv.Bool(r.Complete)).Append(',')
         .Append(Csv.Bool(data.IsLatestForCommit(r))).Append(',')
         .Append(Csv.Bool(data.IsBestForModule(r))).Append(',')
         .Append(Csv.Field(r.Competencies)).Append(',')
         .Append(Csv.Field(r.ImageDigest)).Append(',')
         .Append(Csv.Field(r.RunnerId)).Append(',')
         .Append(Csv.Field(r.GpuModel)).Append(',')
         .Append(Csv.Field(r.GpuDriver)).Append(',')
         .Append(Csv.Time(r.StartedAt)).Append(',')
         .Append(Csv.Field(r.ReviewUrl)).Append(',')
         .Append(Csv.Field(r.CheckRunUrl)).Append(',')
         .Append(r.KeyId).Append(',')
         .Append(r.Signature).Append('\n');
    }
}
