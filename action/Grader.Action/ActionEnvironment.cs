namespace Grader.Action;

/// <summary>What a GitHub Actions job tells its steps through environment variables.</summary>
/// <param name="Workspace">GITHUB_WORKSPACE: the checked-out repository; the graded commit is exported from it.</param>
/// <param name="Sha">GITHUB_SHA: the commit graded when the event is not a pull request.</param>
/// <param name="Token">The token to publish with (the workflow's GITHUB_TOKEN, passed by action.yml).</param>
public sealed record ActionEnvironment(
    string Workspace,
    string? EventName,
    string? EventPath,
    string? Repository,
    string? Sha,
    Uri ApiUrl,
    string? StepSummaryPath,
    string? OutputPath,
    string? Token,
    Uri? RunUrl)
{
    /// <summary>RUNNER_ENVIRONMENT: <c>github-hosted</c> (a fresh VM per job) or <c>self-hosted</c>.</summary>
    public string? RunnerEnvironment { get; init; }

    /// <summary>RUNNER_TEMP: the job's temporary folder, <c>RUNNER_ROOT/_work/_temp</c> in a runner's default layout.</summary>
    public string? RunnerTemp { get; init; }

    /// <summary>GITHUB_WORKFLOW_REF: <c>owner/repo/.github/workflows/file.yml@ref</c>, the workflow file this run came from.</summary>
    public string? WorkflowRef { get; init; }

    /// <summary>GITHUB_ACTOR: who triggered the run (the learner when no pull request says otherwise).</summary>
    public string? Actor { get; init; }

    /// <summary>GITHUB_SERVER_URL, e.g. https://github.com.</summary>
    public string ServerUrl { get; init; } = "https://github.com";

    public static ActionEnvironment FromVariables(Func<string, string?> get)
    {
        ArgumentNullException.ThrowIfNull(get);
        var server = get("GITHUB_SERVER_URL");
        var repository = get("GITHUB_REPOSITORY");
        var runId = get("GITHUB_RUN_ID");
        Uri? runUrl = server is not null && repository is not null && runId is not null
            && Uri.TryCreate($"{server.TrimEnd('/')}/{repository}/actions/runs/{runId}", UriKind.Absolute, out var url) ? url : null;
        return new ActionEnvironment(
            get("GITHUB_WORKSPACE") ?? Environment.CurrentDirectory,
            get("GITHUB_EVENT_NAME"),
            get("GITHUB_EVENT_PATH"),
            repository,
            get("GITHUB_SHA"),
            new Uri(get("GITHUB_API_URL") ?? "https://api.github.com/"),
            get("GITHUB_STEP_SUMMARY"),
            get("GITHUB_OUTPUT"),
            get("GITHUB_TOKEN") is { Length: > 0 } token ? token : null,
            runUrl)
        {
            RunnerEnvironment = get("RUNNER_ENVIRONMENT"),
            RunnerTemp = get("RUNNER_TEMP"),
            WorkflowRef = get("GITHUB_WORKFLOW_REF"),

            Actor = get("GITHUB_ACTOR"),
            ServerUrl = (server ?? "https://github.com").TrimEnd('/'),
        };
    }

    public static ActionEnvironment FromProcess() => FromVariables(Environment.GetEnvironmentVariable);
}
