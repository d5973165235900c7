using System.Text;
using Grader.Runner.Docker;

namespace Grader.Runner.Tests.Docker;

public class BoundedOutputTests
{
    [Test]
    public void Append_MoreThanLimit_KeepsHeadAndTailAndNotesOmission()
    {
        var output = new BoundedOutput(100);
        output.Append("HEAD" + new string('x', 10_000));
        output.Append(new string('y', 10_000) + "TAIL");

        var text = output.ToString();

        Assert.Multiple(() =>
        {
            Assert.That(output.Truncated, Is.True);
            Assert.That(output.TotalBytes, Is.EqualTo(20_008));
            Assert.That(text, Does.StartWith("HEAD").And.EndWith("TAIL").And.Contain("bytes of output omitted"));
            Assert.That(Encoding.UTF8.GetByteCount(text), Is.LessThan(200));
        });
    }

    [Test]
    public void Append_WithinLimit_KeepsEverything()
    {
        var output = new BoundedOutput(1000);
        output.Append("hello ");
        output.Append("world");
        Assert.That(output.ToString(), Is.EqualTo("hello world"));
        Assert.That(output.Truncated, Is.False);
    }
}
