namespace Grader.Action;

/// <summary>
/// The action's inputs (action.yml passes them to <c>grader action</c> as flags). Its settings, the evidence store
/// included (input <c>evidence-store</c>), are configuration: <see cref="Grader.Evidence.Recording.EvidenceOptions"/>.
/// </summary>
/// <param name="RubricFile">The rubric, on the runner (instructor-controlled, not from the PR).</param>
/// <param name="HiddenTestsDirectory">Hidden tests on the runner, copied into the test container only at test time.</param>
/// <param name="OutputDirectory">Where review.md and result.json are written.</param>
/// <param name="Publish">Whether to post the check run and review on the pull request.</param>
/// <param name="AllowPersistedCredentials">Grade even though the workspace's git configuration holds checkout credentials.</param>
/// <param name="AllowPersistentRunner">
/// Use instructor material on the runner's disk although the runner is not known to be ephemeral and the workflow
/// is not enforced centrally (the operator vouches that no learner-editable workflow runs there).
/// </param>
public sealed record ActionSettings(
    string RubricFile,
    string? HiddenTestsDirectory,
    string OutputDirectory,
    bool Publish,
    bool AllowPersistedCredentials = false,
    bool AllowPersistentRunner = false);
