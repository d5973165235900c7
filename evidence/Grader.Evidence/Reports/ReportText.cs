namespace Grader.Evidence.Reports;

/// <summary>Sentences every report shows the same way.</summary>
public static class ReportText
{
    public const string Selection =
        "latestForCommit: the latest complete grading of each (repository, commit, module), an attempt; " +
        "bestForModule: the learner's best attempt at the module (passed first, then points, then earliest). " +
        "Incomplete gradings (grader errors) are in neither: never an attempt, never a failure.";
}
