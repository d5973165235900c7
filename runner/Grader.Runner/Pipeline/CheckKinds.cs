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

    /// <summary>Checks that do not measure time or resources and need no service: safe to run side by side.</summary>
    private static readonly HashSet<string> Concurrent = new(StringComparer.Ordinal)
    {
        BuildCheck.KindName, ImageSizeCheck.KindName, TestsCheck.KindName, FilesCheck.KindName, DockerfileCheck.KindName, QuizCheck.KindName,
    };

    public static bool CanRunConcurrently(CheckSpec check)
    {
        ArgumentNullException.ThrowIfNull(check);
        return Concurrent.Contains(check.Kind) && !check.NeedsGpu && !check.NeedsService;
    }

    /// <summary>The build check reports on the build itself, failed or not.</summary>
    public static bool IsBuild(CheckSpec check) => check is BuildCheck;
}
