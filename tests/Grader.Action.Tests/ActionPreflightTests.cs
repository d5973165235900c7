using Grader.Rubrics.Loading;
using Grader.Rubrics.Model;
using Grader.Testing.GitHub;

namespace Grader.Action.Tests;

/// <summary>
/// Whether the action starts: the commit it grades, and the unsafe setups it refuses (instructor material on a
/// runner that learner-edited workflows can reach), against real git workspaces and runner settings files.
/// </summary>
public sealed class ActionPreflightTests
{
    private const string PlainRubric = """
        module: { id: MOD-PRE, title: Preflight }
        competencies:
          containers: { name: Containers, level: Working }
        criteria:
          - id: builds
            title: The image builds
            points: 1
            check: { build: { max_time: 5m } }
        """;

    private string _root = null!;
    private string _workspace = null!;
    private string _runnerRoot = null!;
    private string _sha = null!;

    [SetUp]
    public async Task CreateWorkspaceAsync()
    {
        _root = Directory.CreateTempSubdirectory("grader-preflight-").FullName;
        _workspace = Path.Combine(_root, "runner", "_work", "learner", "learner");
        _runnerRoot = Path.Combine(_root, "runner");
        Directory.CreateDirectory(_workspace);
        Directory.CreateDirectory(Path.Combine(_runnerRoot, "_work", "_temp"));
        await File.WriteAllTextAsync(Path.Combine(_workspace, "Dockerfile"), "FROM grader/busybox:1\n");
        await GitCommand.RunAsync(_workspace, ["init", "-q", "-b", "main"]);
        await GitCommand.RunAsync(_workspace, ["add", "-A"]);
        await GitCommand.RunAsync(_workspace, ["-c", "user.name=L", "-c", "user.email=l@grader.invalid", "commit", "-q", "-m", "s"]);
        _sha = (await GitCommand.RunAsync(_workspace, ["rev-parse", "HEAD"])).Trim();
    }

    [TearDown]
    public void RemoveWorkspace() => Directory.Delete(_root, recursive: true);

    private async Task<Rubric> RubricAsync(string yaml)
    {
        var path = Path.Combine(_root, "rubrics", "rubric.yaml");
        Directory.CreateDirectory(Path.Combine(_root, "rubrics", "keys"));
        Directory.CreateDirectory(Path.Combine(_root, "rubrics", "hidden", "lab"));
        await File.WriteAllTextAsync(Path.Combine(_root, "rubrics", "keys", "quiz.yaml"), "q1: a\n");
        await File.WriteAllTextAsync(path, yaml);
        var loaded = await RubricLoader.LoadFileAsync(path, CancellationToken.None);
        Assert.That(loaded.Success, Is.True, string.Join("\n", loaded.Diagnostics));
        return loaded.Rubric!;
    }

    /// <summary>A self-hosted runner in actions/runner's default layout, running the learner repository's own workflow.</summary>
    private ActionEnvironment Environment(params (string Name, string Value)[] overrides)
    {
        var variables = new Dictionary<string, string>
        {
            ["GITHUB_WORKSPACE"] = _workspace,
            ["GITHUB_SHA"] = _sha,
            ["GITHUB_REPOSITORY"] = "course/learner",
            ["GITHUB_WORKFLOW_REF"] = "course/learner/.github/workflows/grade.yml@refs/pull/3/merge",
            ["RUNNER_ENVIRONMENT"] = "self-hosted",
            ["RUNNER_TEMP"] = Path.Combine(_runnerRoot, "_work", "_temp"),
        };
        foreach (var (name, value) in overrides) variables[name] = value;
        return ActionEnvironment.FromVariables(n => variables.GetValueOrDefault(n));
    }

    private ActionSettings Settings(string? hiddenTests = null, bool allowPersistentRunner = false) =>
        new(Path.Combine(_root, "rubrics", "rubric.yaml"), hiddenTests, Path.Combine(_root, "out"), Publish: false, AllowPersistentRunner: allowPersistentRunner);

    private string HiddenFolder => Path.Combine(_root, "rubrics", "hidden", "lab");

    [Test]
    public async Task Check_HiddenTestsOnPersistentRunnerWithLearnerWorkflow_RefusesNamingEveryFix()
    {
        var preflight = ActionPreflight.Check(Settings(HiddenFolder), Environment(), await RubricAsync(PlainRubric), null);

        Assert.Multiple(() =>
        {
            Assert.That(preflight.CommitSha, Is.Null);
            Assert.That(preflight.Refusals.Single(), Does.Contain("hidden tests " + HiddenFolder)
                .And.Contain("--ephemeral").And.Contain("required workflow").And.Contain("grader serve").And.Contain("allow-persistent-runner: true"));
        });
    }

    [Test]
    public async Task Check_RubricHiddenTestsPathAndAnswerKeyOnPersistentRunner_RefusesNamingBoth()
    {
        var rubric = await RubricAsync(PlainRubric + """

              - id: hidden
                title: Hidden tests pass
                points: 1
                check:
                  tests: { command: ["true"], report: exit_code, hidden: { path: hidden/lab } }
              - id: quiz
                title: Quiz
                points: 1
                check: { quiz: { key: keys/quiz.yaml } }
            """);

        var preflight = ActionPreflight.Check(Settings(), Environment(), rubric, null);

        Assert.That(preflight.Refusals.Single(), Does.Contain("hidden tests " + HiddenFolder).And.Contain("answer key " + Path.Combine(_root, "rubrics", "keys", "quiz.yaml")));
    }

    [TestCase("file:///srv/grader/hidden.git", true)]
    [TestCase("https://git.course.internal/hidden.git", false)]
    [TestCase("git@git.course.internal:course/hidden.git", false)]
    public async Task Check_HiddenTestsRepositoryOnPersistentRunner_RefusesOnlyALocalOne(string repository, bool refused)
    {
        var rubric = await RubricAsync(PlainRubric + $$"""

              - id: hidden
                title: Hidden tests pass
                points: 1
                check:
                  tests: { command: ["true"], report: exit_code, hidden: { repository: "{{repository}}", ref: main } }
            """);

        var preflight = ActionPreflight.Check(Settings(), Environment(), rubric, null);

        Assert.That(preflight.Refusals, refused ? Has.One.Contains("hidden tests repository " + repository) : Is.Empty);
    }

    [TestCase("{\"agentName\": \"lab-runner\", \"workFolder\": \"_work\"}")]
    [TestCase("{\"agentName\": \"lab-runner\", \"ephemeral\": false}")]
    [TestCase("not json")]
    public async Task Check_RunnerSettingsWithoutEphemeral_Refuses(string settings)
    {
        await File.WriteAllTextAsync(Path.Combine(_runnerRoot, ".runner"), settings);

        var preflight = ActionPreflight.Check(Settings(HiddenFolder), Environment(), await RubricAsync(PlainRubric), null);

        Assert.That(preflight.Refusals, Has.Count.EqualTo(1));
    }

    [Test]
    public async Task Check_EphemeralRunnerSettings_GradesTheCommit()
    {
        // As config.sh --ephemeral (or a decoded JIT configuration) writes it, byte order mark included.
        await File.WriteAllTextAsync(Path.Combine(_runnerRoot, ".runner"), "\uFEFF{\"agentId\": 7, \"agentName\": \"lab-runner\", \"ephemeral\": true, \"workFolder\": \"_work\"}");

        var preflight = ActionPreflight.Check(Settings(HiddenFolder), Environment(), await RubricAsync(PlainRubric), null);

        Assert.Multiple(() =>
        {
            Assert.That(preflight.Refusals, Is.Empty);
            Assert.That(preflight.CommitSha, Is.EqualTo(_sha));
        });
    }

    [Test]
    public async Task Check_GitHubHostedRunner_Allows()
    {
        var preflight = ActionPreflight.Check(Settings(HiddenFolder), Environment(("RUNNER_ENVIRONMENT", "github-hosted")), await RubricAsync(PlainRubric), null);

        Assert.That(preflight.Refusals, Is.Empty);
    }

    [Test]
    public async Task Check_WorkflowFromAnotherRepository_Allows()
    {
        var environment = Environment(("GITHUB_WORKFLOW_REF", "course/grading-workflows/.github/workflows/grade.yml@refs/heads/main"));

        var preflight = ActionPreflight.Check(Settings(HiddenFolder), environment, await RubricAsync(PlainRubric), null);

        Assert.That(preflight.Refusals, Is.Empty);
    }

    [Test]
    public async Task Check_AllowPersistentRunner_Allows()
    {
        var preflight = ActionPreflight.Check(Settings(HiddenFolder, allowPersistentRunner: true), Environment(), await RubricAsync(PlainRubric), null);

        Assert.That(preflight.Refusals, Is.Empty);
    }

    [Test]
    public async Task Check_NoInstructorMaterial_AllowsAPersistentRunner()
    {
        var preflight = ActionPreflight.Check(Settings(), Environment(), await RubricAsync(PlainRubric), null);

        Assert.That(preflight.CommitSha, Is.EqualTo(_sha));
    }

    [Test]
    public async Task Check_PullRequestEvent_GradesTheHeadNotGitHubSha()
    {
        var pullRequest = new PullRequestEvent("course", "learner", 3, _sha);

        var preflight = ActionPreflight.Check(Settings(), Environment(("GITHUB_SHA", new string('c', 40))), await RubricAsync(PlainRubric), pullRequest);

        Assert.That(preflight.CommitSha, Is.EqualTo(_sha));
    }

    [Test]
    public async Task Check_NoShaOutsideActions_RefusesNamingTheCause()
    {
        var preflight = ActionPreflight.Check(Settings(), ActionEnvironment.FromVariables(n => n == "GITHUB_WORKSPACE" ? _workspace : null), await RubricAsync(PlainRubric), null);

        Assert.That(preflight.Refusals.Single(), Does.Contain("GITHUB_SHA is not set"));
    }
}
