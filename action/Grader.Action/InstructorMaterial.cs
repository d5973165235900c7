using Grader.Rubrics.Model;

namespace Grader.Action;

/// <summary>
/// Secret instructor material a grading run reads from the runner's own disk: hidden tests (the action's
/// folder, a rubric's <c>hidden.path</c>, a <c>file://</c> hidden-tests repository) and quiz answer keys.
/// Whoever can run a workflow on the runner can read these.
/// </summary>
public static class InstructorMaterial
{
    /// <summary>Descriptions of the local instructor material, e.g. "hidden tests /srv/hidden/lab2"; empty when there is none.</summary>
    public static IReadOnlyList<string> OnRunnerDisk(Rubric rubric, string? hiddenTestsDirectory)
    {
        ArgumentNullException.ThrowIfNull(rubric);
        var found = new List<string>();
        if (hiddenTestsDirectory is not null) found.Add("hidden tests " + Path.GetFullPath(hiddenTestsDirectory));
        foreach (var criterion in rubric.Criteria)
        {
            switch (criterion.Check)
            {
                case TestsCheck { Hidden.Path: { } path } when hiddenTestsDirectory is null:
                    found.Add("hidden tests " + Resolve(rubric, path));
                    break;
                case TestsCheck { Hidden.Repository: { } repository } when hiddenTestsDirectory is null && IsLocal(repository):
                    found.Add("hidden tests repository " + repository);
                    break;
                case QuizCheck quiz:
                    found.Add("answer key " + Resolve(rubric, quiz.Key));
                    break;
            }
        }
        return found.Distinct(StringComparer.Ordinal).ToList();
    }

    private static string Resolve(Rubric rubric, string path) =>
        Path.GetFullPath(Path.IsPathRooted(path) || rubric.Directory is null ? path : Path.Combine(rubric.Directory, path));

    /// <summary>A path or file:// URL on the runner (an scp-style <c>git@host:org/repo</c> is remote).</summary>
    private static bool IsLocal(string repository) =>
        Uri.TryCreate(repository, UriKind.Absolute, out var url) ? url.IsFile : Path.IsPathRooted(repository) || repository.StartsWith('.');
}
