using Grader.GitHub.Actions;
using Grader.Testing.GitHub;

namespace Grader.GitHub.Tests.Actions;

public sealed class WorkflowLogWriterTests
{
    [Test]
    public void Write_PiecesAndCrLfLineEnds_EachLineReachesTheLogOnceAndInert()
    {
        var output = new StringWriter();
        using (var writer = new WorkflowLogWriter(new WorkflowLog(output), ownsLog: true))
        {
            writer.Write("::add-");
            writer.Write("mask::x\r\n");
            writer.Write('a');
            writer.WriteLine("bc");
            writer.Write("::error::unterminated");
        }

        var lines = output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries)[1..^1];

        Assert.Multiple(() =>
        {
            Assert.That(lines, Is.EqualTo(new[] { ": :add-mask::x", "abc", ": :error::unterminated" }));
            Assert.That(ActionsRunnerLog.Read(output.ToString()).Commands, Is.Empty);
            Assert.That(ActionsRunnerLog.Read(output.ToString()).StoppedAtEnd, Is.False, "the owned log resumed commands");
        });
    }
}
