using System.Security.Cryptography;
using System.Text;
using Grader.Evidence.Model;
using Grader.Rubrics.Model;
using Grader.Rubrics.Scoring;
using Grader.Runner.Pipeline;

namespace Grader.Evidence.Recording;

/// <summary>Maps a finished grading run to its evidence record (one implementation for the bot, the action and the CLI).</summary>
public static class EvidenceRecordFactory
{
    public static EvidenceRecord FromRun(GradingRun run, SubmissionIdentity identity)
    {
        ArgumentNullException.ThrowIfNull(run);
        ArgumentNullException.ThrowIfNull(identity);
        var review = run.Review;
        var rubric = review.Rubric;
        return new EvidenceRecord
        {
            RecordId = Guid.CreateVersion7().ToString(),
            Learner = new LearnerRef(identity.LearnerLogin, identity.LearnerGitHubId),
            Submission = new SubmissionRef(identity.Repository, run.CommitSha ?? identity.HeadSha ?? "")
            {
                PullRequestNumber = identity.PullRequestNumber,
                PullRequestUrl = identity.PullRequestUrl,
            },
            Module = new ModuleRef(rubric.Module.Id, rubric.Module.Title),
            Rubric = new RubricRef(rubric.Module.Id, RubricHash(rubric)) { File = run.Request.RubricFile },
            Criteria = review.Criteria.Select(Criterion).ToList(),
            Points = review.Points,
            MaxPoints = review.MaxPoints,
            Percentage = review.Percentage,
            Passed = review.Passed && !review.Incomplete,
            Complete = !review.Incomplete,
            GraderErrors = review.Incomplete ? run.GraderErrors.Select(e => $"{e.Step}: {e.Message}").DefaultIfEmpty("a criterion was not graded").ToList() : [],
            Competencies = review.Evidence.Select(e => new CompetencyLevel(e.CompetencyId, e.CompetencyName, e.Level.ToString(), e.CriterionIds)).ToList(),
            Runner = new RunnerRef(run.RunnerId)
            {
                ImageDigest = run.ImageId,
                GpuModel = run.GpuModels.Count == 0 ? null : string.Join(", ", run.GpuModels.Distinct(StringComparer.Ordinal)),
                GpuDriver = run.GpuModels.Count == 0 ? null : run.GpuDriver,
            },
            StartedAt = Millis(run.StartedAt),
            GradedAt = Millis(run.FinishedAt),
            ReviewUrl = identity.ReviewUrl,
            CheckRunUrl = identity.CheckRunUrl,
            Leaderboard = rubric.Leaderboard is { } board
                ? new LeaderboardRef(board.CriterionId, Leaderboard.Name(board.Order), Leaderboard.Name(board.Show))
                : null,
        };
    }

    /// <summary>
    /// <c>sha256:</c> over the rubric's files in load order, each as its path relative to the rubric's folder, a NUL,
    /// its length, a NUL and its bytes: the same files give the same hash on any machine.
    /// </summary>
    public static string RubricHash(Rubric rubric)
    {
        ArgumentNullException.ThrowIfNull(rubric);
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var root = rubric.Directory ?? (rubric.SourceFiles.Count > 0 ? Path.GetDirectoryName(Path.GetFullPath(rubric.SourceFiles[0])) : null) ?? ".";
        foreach (var file in rubric.SourceFiles)
        {
            var bytes = File.Exists(file) ? File.ReadAllBytes(file) : [];
            var name = Path.GetRelativePath(root, Path.GetFullPath(file)).Replace('\\', '/');
            hash.AppendData(Encoding.UTF8.GetBytes($"{name}\0{bytes.Length}\0"));
            hash.AppendData(bytes);
        }
        return "sha256:" + Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    private static CriterionEvidence Criterion(ScoredCriterion c) =>
        new(c.Criterion.Id, c.Criterion.Title, Outcome(c.Outcome), c.Points, c.MaxPoints)
        {
            Gate = c.Criterion.Gate,
            Measure = c.Result.Measure is { } m && double.IsFinite(m) ? m : null,
            MeasuredValue = c.MeasuredValue,
            InstructorOnly = c.Criterion.Visibility == CriterionVisibility.Hidden ? true : null,
        };

    public static string Outcome(CriterionOutcome outcome) => outcome switch
    {
        CriterionOutcome.Met => "met",
        CriterionOutcome.Partial => "partial",
        CriterionOutcome.NotMet => "not_met",
        _ => "grader_error",
    };

    /// <summary>Stored times have millisecond precision; the record says the same as its columns.</summary>
    private static DateTimeOffset Millis(DateTimeOffset t) => DateTimeOffset.FromUnixTimeMilliseconds(t.ToUnixTimeMilliseconds());
}
