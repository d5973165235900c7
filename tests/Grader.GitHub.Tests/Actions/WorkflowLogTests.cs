using Grader.GitHub.Actions;
using Grader.Testing.GitHub;

namespace Grader.GitHub.Tests.Actions;

/// <summary>The workflow log read back the way actions/runner reads a step's output.</summary>
[Category("Hostile")]
public sealed class WorkflowLogTests
{
    private static string Write(Action<WorkflowLog> write)
    {
        var output = new StringWriter();
        using (var log = new WorkflowLog(output)) write(log);
        return output.ToString();
    }

    [Test]
    public void WriteText_InjectedWorkflowCommands_RunnerProcessesNone([Values] bool runnerHonoursStopCommands)
    {
        var output = Write(log =>
        {
            foreach (var line in WorkflowCommandInjection.Lines) log.WriteText(line);
            log.WriteText(string.Join("\n", WorkflowCommandInjection.Lines));
        });

        var runner = ActionsRunnerLog.Read(output, runnerHonoursStopCommands);

        Assert.Multiple(() =>
        {
            Assert.That(runner.Commands, Is.Empty, output);
            Assert.That(runner.StoppedAtEnd, Is.False);
            Assert.That(output, Does.Contain("add-mask::x"), "the text itself is kept, only made inert");
        });
    }

    [Test]
    public void WriteText_CarriageReturnsAndLineBreaks_EveryPhysicalLineIsNeutralised()
    {
        var output = Write(log => log.WriteText("one\r::error::two\r\n  ::warning::three\n\u001b[2Kfour ##[add-mask]five"));

        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries)[1..^1];

        Assert.That(lines, Is.EqualTo(new[] { "one", ": :error::two", "  : :warning::three", "\uFFFD[2Kfour ## [add-mask]five" }));
    }

    [Test]
    public void WriteCommand_BetweenTexts_RunnerProcessesOnlyThatCommand()
    {
        var annotation = WorkflowCommands.Annotation("error", "from grader", "Dockerfile", 3, title: "Unpinned base image");

        var output = Write(log =>
        {
            log.WriteText("::error::before");
            log.WriteCommand(annotation);
            log.WriteText("::error::after");
        });

        var runner = ActionsRunnerLog.Read(output);
        Assert.Multiple(() =>
        {
            Assert.That(runner.Commands.Select(c => c.Line), Is.EqualTo(new[] { annotation }));
            Assert.That(runner.StopTokens, Has.Count.EqualTo(2).And.Unique, "a fresh token for every stop");
            Assert.That(runner.StopTokens, Has.All.Length.GreaterThanOrEqualTo(32));
        });
    }

    [Test]
    public void Dispose_AfterText_LaterStepsCommandsAreProcessed()
    {
        var output = Write(log => log.WriteText("learner output"));

        var runner = ActionsRunnerLog.Read(output + "::error::a later step\n");

        Assert.That(runner.Commands.Select(c => c.Data), Is.EqualTo(new[] { "a later step" }));
    }

    [Test]
    public void WriteCommand_TextThatIsNotOneCommandLine_Throws()
    {
        using var log = new WorkflowLog(new StringWriter());

        Assert.Multiple(() =>
        {
            Assert.That(() => log.WriteCommand("plain text"), Throws.ArgumentException);
            Assert.That(() => log.WriteCommand("::error::a\n::add-mask::x"), Throws.ArgumentException);
        });
    }
}
