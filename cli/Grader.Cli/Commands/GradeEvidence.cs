using Grader.Evidence.Recording;
using Grader.Runner.Checkout;
using Grader.Runner.Pipeline;
using Spectre.Console;

namespace Grader.Cli.Commands;

/// <summary><c>grader grade --record</c>: the grading as a signed evidence record.</summary>
internal static class GradeEvidence
{
    /// <param name="configured">The evidence settings (the signing key: evidence.signing_key_path); <c>--record</c>, a flag, names the store.</param>
    public static async Task<bool> RecordAsync(GradeSettings settings, SubmissionSource source, GradingRun run, EvidenceOptions configured, IAnsiConsole console, CancellationToken cancellationToken)
    {
        var identity = new SubmissionIdentity(settings.Learner ?? Environment.UserName, RepositoryOf(source));
        var evidence = new EvidenceOptions { Store = settings.RecordStore, SigningKeyPath = configured.SigningKeyPath };
        try
        {
            var row = await EvidenceRecorder.RecordOnceAsync(evidence, run, identity, null, cancellationToken).ConfigureAwait(false);
            console.MarkupLine($"Recorded evidence {Markup.Escape(row.RecordId)} for {Markup.Escape(identity.LearnerLogin)} in {Markup.Escape(evidence.Store ?? "")}" +
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
