using System.IO.Pipelines;
using System.Text;
using Grader.Bot.Integration.Worker;

namespace Grader.Bot.Tests.Integration;

/// <summary>The reader of what a worker process writes: a line over the bound never grows memory past it.</summary>
internal sealed class BoundedLineReaderTests
{
    [Test]
    public async Task ReadLineAsync_LinesInPiecesAndCrLf_ReturnsEachLineThenNull()
    {
        var pipe = new Pipe();
        await using var reader = new BoundedLineReader(pipe.Reader.AsStream(), 64, split: false);
        await pipe.Writer.WriteAsync(Encoding.UTF8.GetBytes("{\"progress\":\"bu"));
        var first = reader.ReadLineAsync(CancellationToken.None).AsTask();
        await pipe.Writer.WriteAsync(Encoding.UTF8.GetBytes("ild\"}\r\nsecond\nlast without newline"));
        await pipe.Writer.CompleteAsync();

        Assert.That(await first, Is.EqualTo("{\"progress\":\"build\"}"));
        Assert.That(await reader.ReadLineAsync(CancellationToken.None), Is.EqualTo("second"));
        Assert.That(await reader.ReadLineAsync(CancellationToken.None), Is.EqualTo("last without newline"));
        Assert.That(await reader.ReadLineAsync(CancellationToken.None), Is.Null);
    }

    [Test]
    public async Task ReadLineAsync_ProtocolLineOverBoundWithoutNewline_ThrowsBeforeTheRestArrives()
    {
        var pipe = new Pipe();
        await using var reader = new BoundedLineReader(pipe.Reader.AsStream(), 1024, split: false);
        // More than the bound and no end of line: the writer never completes, so only the bound can end the read.
        await pipe.Writer.WriteAsync(new byte[4096].Select(_ => (byte)'x').ToArray());

        Assert.That(async () => await reader.ReadLineAsync(CancellationToken.None), Throws.InstanceOf<InvalidDataException>());
    }

    [Test]
    public async Task ReadLineAsync_LogLineOverBoundInSplitMode_ReturnsPiecesOfTheBound()
    {
        var pipe = new Pipe();
        await using var reader = new BoundedLineReader(pipe.Reader.AsStream(), 10, split: true);
        await pipe.Writer.WriteAsync(Encoding.UTF8.GetBytes(new string('a', 25) + "\nok\n"));
        await pipe.Writer.CompleteAsync();

        var lines = new List<string>();
        while (await reader.ReadLineAsync(CancellationToken.None) is { } line)
        {
            lines.Add(line);
        }

        Assert.That(lines, Is.EqualTo(new[] { new string('a', 10), new string('a', 10), new string('a', 5), "ok" }));
    }
}
