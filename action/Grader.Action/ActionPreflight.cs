using Grader.Rubrics.Model;

namespace Grader.Action;

/// <summary>The commit <c>grader action</c> grades, or why it refuses to start (each reason names the fix).</summary>
/// <param name="RunnerTrusted">
/// Whether no learner-editable workflow can reach this runner's disk (ephemeral, enforced centrally, or vouched for by
/// the operator): only then may secrets of the course, such as the evidence signing key, be used here.
/// </param>
public sealed record ActionPreflight(string? CommitSha, IReadOnlyList<string> Refusals, bool RunnerTrusted = false)
{
    public static ActionPreflight Check(ActionSettings settings, ActionEnvironment environment, Rubric rubric, PullRequestEvent? pullRequest)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(environment);
        ArgumentNullException.ThrowIfNull(rubric);

        var refusals = new List<string>();
        // The review is posted on the pull request's head, so that is the commit graded (not the merge commit).
        var sha = pullRequest?.HeadSha ?? environment.Sha;
        if (sha is null)
        {
            refusals.Add("No commit to grade: GITHUB_SHA is not set and the event is not a pull request. Run `grader action` in a GitHub Actions job (action.yml).");
        }
        else
        {
            var workspace = WorkspaceRepository.Inspect(environment.Workspace, sha);
            if (workspace.Problem is not null)
            {
                refusals.Add($"The workspace {environment.Workspace} is not a git repository ({workspace.Problem}). Grader grades a clean export of the commit, "
                    + "never the working folder: check out the repository first (actions/checkout with persist-credentials: false).");
            }
            else if (!workspace.HasCommit)
            {
                refusals.Add($"Commit {sha} is not in the workspace repository {environment.Workspace}. "
                    + (pullRequest is null
                        ? "Check out the commit that triggered the run (actions/checkout, persist-credentials: false)."
                        : "Check out the pull request's head: actions/checkout with ref: ${{ github.event.pull_request.head.sha }} and persist-credentials: false."));
            }
            if (workspace.PersistedCredentials.Count > 0 && !settings.AllowPersistedCredentials)
            {
                refusals.Add($"The workspace's git configuration holds persisted credentials ({string.Join(", ", workspace.PersistedCredentials)}): "
                    + "actions/checkout left the job's token on the runner's disk for every later step. Set persist-credentials: false on actions/checkout "
                    + "(Grader reads the commit locally and needs no credentials), or set allow-persisted-credentials: true if a later step needs them.");
            }
        }

        var material = InstructorMaterial.OnRunnerDisk(rubric, settings.HiddenTestsDirectory);
        var trust = RunnerTrust.From(environment);
        var trusted = trust.Ephemeral is not null || trust.CentralWorkflow is not null || settings.AllowPersistentRunner;
        if (material.Count > 0 && !trusted)
        {
            refusals.Add($"Instructor material is on this runner's disk ({string.Join("; ", material)}), but the runner is not known to be ephemeral "
                + "and the workflow is not enforced from another repository, so a pull request can rewrite the workflow and read it. "
                + "Use an ephemeral runner (config.sh --ephemeral or a JIT runner, or a GitHub-hosted runner with the material fetched at run time), "
                + "or enforce the workflow centrally (an organisation ruleset's required workflow), or grade in the bot (grader serve). "
                + "If no learner-editable workflow can ever run on this runner, set allow-persistent-runner: true.");
        }
        return new ActionPreflight(refusals.Count == 0 ? sha : null, refusals, trusted);
    }
}
