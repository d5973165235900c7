using Grader.Action.Tests.Support;

namespace Grader.Action.Tests.Hostile;

/// <summary>The documented unsafe setup (hidden tests on a persistent runner, workflow in the learner's repository) is refused before anything runs.</summary>
[Category("Hostile")]
[Category("Docker")]
public sealed class ActionUnsafeSetupTests : ActionTestBase
{
    [Test]
    public async Task RunAsync_HiddenTestsOnPersistentRunnerWithLearnerEditableWorkflow_RefusesAndPublishesNothing()
    {
        await WriteRubricAsync(GradingActionTests.TestsOnlyRubric("true"));
        var hidden = Directory.CreateDirectory(Path.Combine(Root, "srv", "hidden", "lab2")).FullName;
        await File.WriteAllTextAsync(Path.Combine(hidden, "test_secret.py"), "ANSWER = 42\n");
        var head = await CommitAsync(new Dictionary<string, string> { ["Dockerfile"] = "FROM grader/busybox:1\n" });
        var (environment, repository, _) = await PullRequestEnvironmentAsync(head);
        environment = environment with
        {
            RunnerEnvironment = "self-hosted",
            WorkflowRef = $"{environment.Repository}/.github/workflows/grade.yml@refs/pull/12/merge",
        };

        var run = await RunActionAsync(Settings(hiddenTests: hidden), environment);

        var refusal = run.Runner.Commands.Single();
        Assert.Multiple(() =>
        {
            Assert.That(run.ExitCode, Is.EqualTo(ActionExitCodes.IncompleteOrUsage));
            Assert.That(refusal.Name, Is.EqualTo("error"));
            Assert.That(refusal.Data, Does.Contain(hidden).And.Contain("ephemeral").And.Contain("allow-persistent-runner"));
            Assert.That(GitHub.Emulator.CheckRuns(repository), Is.Empty);
            Assert.That(Directory.Exists(OutPath), Is.False);
            Assert.That(Directory.Exists(Path.Combine(Root, "work")), Is.False, "no job was started");
        });
    }
}
