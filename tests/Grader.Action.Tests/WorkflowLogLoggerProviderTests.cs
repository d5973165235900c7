using Grader.GitHub.Actions;
using Grader.Testing.GitHub;
using Microsoft.Extensions.Logging;

namespace Grader.Action.Tests;

public sealed class WorkflowLogLoggerProviderTests
{
    [Test]
    [Category("Hostile")]
    public void Log_MessageAndExceptionQuotingWorkflowCommands_WrittenAsInertText()
    {
        var output = new StringWriter();
        using (var log = new WorkflowLog(output))
        using (var provider = new WorkflowLogLoggerProvider(log))
        {
            var logger = provider.CreateLogger("Grader.Runner.Build");
            logger.LogWarning(new InvalidOperationException("bad\n::add-mask::x"), "Build of {File} failed", "::set-output name=passed::true");
        }

        var runner = ActionsRunnerLog.Read(output.ToString());
        Assert.Multiple(() =>
        {
            Assert.That(runner.Commands, Is.Empty, output.ToString());
            Assert.That(output.ToString(), Does.Contain("warning: Grader.Runner.Build: Build of ::set-output name=passed::true failed").And.Contain(": :add-mask::x)"));
        });
    }
}
