using Grader.Rubrics.Model;

namespace Grader.Runner.Pipeline;

/// <summary>What each check kind needs from the pipeline.</summary>
public static class CheckKinds
{
    /// <summary>Checks that read only the submission's files and never need an image.</summary>
    private static readonly HashSet<string> SubmissionOnly = new(StringComparer.Ordinal)
    {
        FilesCheck.KindName, DockerfileCheck.KindName, QuizCheck.KindName,
    };

    public static bool NeedsImage(CheckSpec check)
    {
        ArgumentNullException.ThrowIfNull(check);
        return !SubmissionOnly.Contains(check.Kind);
    }

    /// <summary>The build check reports on the build itself, failed or not.</summary>
    public static bool IsBuild(CheckSpec check) => check is BuildCheck;
}
