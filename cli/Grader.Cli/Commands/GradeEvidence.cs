using Grader.Evidence.Recording;
using Grader.Runner.Checkout;
using Grader.Runner.Pipeline;
using Spectre.Console;

namespace Grader.Cli.Commands;

/// <summary><c>grader grade --record</c>: the grading as a signed evidence record.</summary>
internal static class GradeEvidence
{
    public static async Task<bool> RecordAsync(GradeSettings settings, SubmissionSource source, GradingRun run, IAnsiConsole console, CancellationToken cancellationToken)
    {
        var identity = new SubmissionIdentity(settings.Learner ?? Environment.UserName, RepositoryOf(source));
        try
        {
            var row = await EvidenceRecorder.RecordOnceAsync(EvidenceOptionsCli.Settings(settings.RecordStore!, null), run, identity, null, cancellationToken).ConfigureAwait(false);
            console.MarkupLine($"Recorded evidence {Markup.Escape(row.RecordId)} for {Markup.Escape(identity.LearnerLogin)} in {Markup.Escape(settings.RecordStore!)}" +
                               (row.Complete ? "" : " (as a grader error: not counted as an attempt)"));
            return true;
        }
        catch (Exception e) when (EvidenceOptionsCli.StoreProblem(e) is not null || e is InvalidDataException or InvalidOperationException or IOException)
        {
            console.MarkupLine($"[red]The grading was not recorded: {Markup.Escape(e.Message)}[/]");
            return false;
        }
    }

    /// <summary>owner/name for a GitHub-style clone URL, else what was graded.</summary>
    internal static string RepositoryOf(SubmissionSource source) => source switch
    {
        RemoteRepositorySubmission remote when remote.CloneUrl.AbsolutePath.Trim('/').Split('/') is [.., var owner, var name] =>
            $"{owner}/{(name.EndsWith(".git", StringComparison.Ordinal) ? name[..^4] : name)}",
        LocalRepositorySubmission local => Path.GetFullPath(local.Path),
        LocalFolderSubmission folder => Path.GetFullPath(folder.Path),
        _ => source.Describe(),
    };
}
