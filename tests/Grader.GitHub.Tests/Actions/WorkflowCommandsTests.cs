using Grader.GitHub.Actions;
using Grader.Testing.GitHub;

namespace Grader.GitHub.Tests.Actions;

public sealed class WorkflowCommandsTests
{
    [Test]
    [Category("Hostile")]
    public void Annotation_LearnerTextInEveryField_RunnerReadsItBackLiterally()
    {
        const string message = "first\r\n::add-mask::x\nthird 100%0A ::set-output name=passed::true";
        const string file = "tests/a,line=9::b%2C.py";
        const string title = "test_x, title=::stop-commands::y";

        var line = WorkflowCommands.Annotation("error", message, file, 4, 5, 2, title);

        var command = ActionsRunnerLog.Read(line).Commands.Single();
        Assert.Multiple(() =>
        {
            Assert.That(line, Does.Not.Contain('\n').And.Not.Contain('\r'));
            Assert.That(command.Name, Is.EqualTo("error"));
            Assert.That(command.Data, Is.EqualTo(message));
            Assert.That(command.Properties["file"], Is.EqualTo(file));
            Assert.That(command.Properties["title"], Is.EqualTo(title));
            Assert.That(command.Properties["line"], Is.EqualTo("4"));
            Assert.That(command.Properties["endLine"], Is.EqualTo("5"));
        });
    }

    [Test]
    public void StopCommands_ThenResume_RunnerPausesBetween()
    {
        var token = WorkflowCommands.NewStopToken();

        var runner = ActionsRunnerLog.Read($"{WorkflowCommands.StopCommands(token)}\n::error::paused\n{WorkflowCommands.ResumeCommands(token)}\n::error::resumed\n");

        Assert.Multiple(() =>
        {
            Assert.That(runner.Commands.Select(c => c.Data), Is.EqualTo(new[] { "resumed" }));
            Assert.That(runner.StopTokens, Is.EqualTo(new[] { token }));
        });
    }

    [Test]
    public void NewStopToken_TwoCalls_DifferAndAreUnguessablyLong()
    {
        var (a, b) = (WorkflowCommands.NewStopToken(), WorkflowCommands.NewStopToken());

        Assert.Multiple(() =>
        {
            Assert.That(a, Is.Not.EqualTo(b));
            Assert.That(a, Has.Length.GreaterThanOrEqualTo(32));
        });
    }

    [TestCase("a b")]
    [TestCase("a:b")]
    [TestCase("a\nb")]
    [TestCase("")]
    public void StopCommands_TokenTheRunnerCannotMatch_Throws(string token) =>
        Assert.That(() => WorkflowCommands.StopCommands(token), Throws.ArgumentException);
}
