using Grader.Action.Tests.Support;
using Grader.Testing.GitHub;

namespace Grader.Action.Tests.Hostile;

/// <summary>
/// A submission whose Dockerfile, build output, test output and JUnit report are full of workflow commands:
/// the runner, reading the action's output, carries out none of them, only Grader's own annotations.
/// </summary>
[Category("Hostile")]
[Category("Docker")]
public sealed class ActionWorkflowCommandTests : ActionTestBase
{
    private const string Rubric = """
        module: { id: MOD-INJ, title: Injection }
        competencies:
          containers: { name: Containers, level: Working }
        criteria:
          - id: builds
            title: The image builds
            points: 40
            check: { build: { max_time: 5m } }
          - id: tests
            title: Tests pass
            points: 40
            check:
              tests: { command: ["sh", "/src/test.sh"], report: junit, report_path: /grader/results/junit.xml, timeout: 1m }
          - id: healthcheck
            title: The Dockerfile declares a HEALTHCHECK
            points: 20
            check: { dockerfile: { pinned_base: true, non_root: false, healthcheck: true, no_secrets: true } }
        """;

    /// <summary>A committed file whose name is itself an injection attempt, so the failing test's annotation carries it.</summary>
    private const string OddFile = "inj,ect::%0A.txt";

    private static Dictionary<string, string> Files() => new()
    {
        ["Dockerfile"] = "FROM grader/busybox:1\nCOPY . /src\nRUN echo '::add-mask::x' '##[set-output name=passed;]true' && sh /src/inject.sh\nCMD [\"sh\"]\n",
        ["inject.sh"] = WorkflowCommandInjection.ShellScript(),
        ["test.sh"] = "sh /src/inject.sh\ncat > /grader/results/junit.xml <<'EOF'\n"
            + "<testsuite><testcase classname=\"inj\" name=\"::add-mask::x\" file=\"/src/" + OddFile + "\" line=\"1\">"
            + "<failure message=\"::set-output name=passed::true&#10;::error file=a,line=1::forged\">x</failure></testcase></testsuite>\nEOF\n",
        [OddFile] = "a file with an odd name\n",
    };

    [Test]
    public async Task RunAsync_WorkflowCommandsInDockerfileBuildTestsAndReport_RunnerCarriesOutOnlyGraderAnnotations()
    {
        await WriteRubricAsync(Rubric);
        var head = await CommitAsync(Files());
        var (environment, repository, pullRequest) = await PullRequestEnvironmentAsync(head);

        var run = await RunActionAsync(Settings(), environment);
        Assert.That(run.ExitCode, Is.EqualTo(ActionExitCodes.Failed), run.Output);

        var honoured = run.Runner;
        var withoutStopCommands = ActionsRunnerLog.Read(run.Output, honourStopCommands: false);
        var outputs = await File.ReadAllTextAsync(environment.OutputPath!);
        Assert.Multiple(() =>
        {
            Assert.That(run.Output, Does.Contain("::add-mask::x").And.Contain("## [set-output name=passed;]true"), "the Dockerfile's step line reached the log, as inert text");
            Assert.That(WorkflowCommandInjection.Forged(honoured), Is.Empty, run.Output);
            Assert.That(WorkflowCommandInjection.Forged(withoutStopCommands), Is.Empty, "each line is inert even for a runner that ignores stop-commands");
            Assert.That(honoured.StopTokens, Has.All.StartsWith("grader-"), "only Grader's own unguessable tokens paused the runner");
            Assert.That(honoured.StoppedAtEnd, Is.False, "later steps' commands still work");
            Assert.That(outputs, Does.Contain("passed=false\n").And.Not.Contain("passed=true"));
        });

        // Grader's own annotations got through, the failing test's one with the learner's text intact as data.
        var test = honoured.Commands.Single(c => c.Properties.GetValueOrDefault("file") == OddFile);
        Assert.Multiple(() =>
        {
            Assert.That(honoured.Commands.Select(c => c.Properties.GetValueOrDefault("file")), Does.Contain("Dockerfile"), "the missing HEALTHCHECK");
            Assert.That(test.Name, Is.EqualTo("error"));
            Assert.That(test.Properties["title"], Does.Contain("::add-mask::x"));
            Assert.That(test.Data, Is.EqualTo("::set-output name=passed::true"));
        });
        Assert.That(GitHub.Emulator.Reviews(repository, pullRequest.Number), Has.Count.EqualTo(1));
        await AssertNormalSubmissionStillGradesAsync();
    }

    private async Task AssertNormalSubmissionStillGradesAsync()
    {
        await WriteRubricAsync(GradingActionTests.TestsOnlyRubric("true"));
        var normal = await CommitAsync(new Dictionary<string, string> { ["Dockerfile"] = "FROM grader/busybox:1\nCMD [\"sh\"]\n", ["inject.sh"] = "" }, "normal");

        var run = await RunActionAsync(Settings(publish: false), PushEnvironment(normal));

        Assert.That(run.ExitCode, Is.EqualTo(ActionExitCodes.Passed), run.Output);
    }
}
