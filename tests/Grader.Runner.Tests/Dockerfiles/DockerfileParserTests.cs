using Grader.Runner.Dockerfiles;

namespace Grader.Runner.Tests.Dockerfiles;

public sealed class DockerfileParserTests
{
    [Test]
    public void Parse_ContinuationsAndComments_JoinsLinesAndKeepsStartLine()
    {
        const string text = """
            # syntax=docker/dockerfile:1
            FROM python:3.11-slim AS base

            RUN apt-get update \
                # a comment inside a continuation
                && apt-get install -y curl
            USER app
            """;

        var instructions = DockerfileParser.Parse(text);

        Assert.That(instructions.Select(i => (i.Keyword, i.Line)), Is.EqualTo(new[] { ("FROM", 2), ("RUN", 4), ("USER", 7) }));
        Assert.That(instructions[1].Arguments, Does.Contain("apt-get update").And.Contain("apt-get install -y curl").And.Not.Contain("comment"));
    }

    [Test]
    public void Parse_EscapeDirective_UsesBacktickForContinuations()
    {
        const string text = "# escape=`\nFROM mcr.microsoft.com/windows:ltsc2022\nRUN echo a `\n    echo b\nUSER app\n";

        var instructions = DockerfileParser.Parse(text);

        Assert.That(instructions.Select(i => i.Keyword), Is.EqualTo(new[] { "FROM", "RUN", "USER" }));
        Assert.That(instructions[2].Line, Is.EqualTo(5));
    }

    [Test]
    public void Parse_Heredoc_BodyIsReadAsInstructionsLikeTheClassicBuilder()
    {
        // Engine 20.10's classic builder has no heredocs: a body line is an instruction there, so it must be one here
        // (a parser that skipped it would let "FROM <id>" hide inside a fake heredoc).
        const string text = "FROM debian:12\nRUN <<EOF\nFROM 3f2a\nEOF\nUSER app\n";

        var instructions = DockerfileParser.Parse(text);

        Assert.That(instructions.Select(i => (i.Keyword, i.Line)), Is.EqualTo(new[] { ("FROM", 1), ("RUN", 2), ("FROM", 3), ("EOF", 4), ("USER", 5) }));
    }

    [Test]
    public void Parse_ContinuationLines_JoinedWithoutSeparatorLikeTheEngine()
    {
        var instructions = DockerfileParser.Parse("FROM grader/bus\\\nybox:1\n");

        Assert.That(instructions.Single().Arguments, Is.EqualTo("grader/busybox:1"));
    }

    [Test]
    public void Parse_EscapedEscapeAtLineEnd_IsNotAContinuation()
    {
        var instructions = DockerfileParser.Parse("FROM a:1\nRUN echo a \\\\\nRUN echo b\n");

        Assert.That(instructions.Select(i => (i.Keyword, i.Line)), Is.EqualTo(new[] { ("FROM", 1), ("RUN", 2), ("RUN", 3) }));
    }

    [Test]
    public void Parse_EscapeDirectiveAfterSyntaxDirective_Honoured()
    {
        var instructions = DockerfileParser.Parse("# syntax=docker/dockerfile:1\n# escape=`\nFROM a:1\nRUN echo \\\nFROM b:1\n");

        Assert.That(instructions.Select(i => i.Keyword), Is.EqualTo(new[] { "FROM", "RUN", "FROM" }), "with ` as escape a backslash does not continue the line");
    }

    [Test]
    public void Parse_DirectiveAfterAnInstruction_IsOnlyAComment()
    {
        var instructions = DockerfileParser.Parse("FROM a:1\n# escape=`\nRUN echo `\nUSER app\n");

        Assert.That(instructions.Select(i => i.Keyword), Is.EqualTo(new[] { "FROM", "RUN", "USER" }));
    }

    [TestCase("# escape=x\nFROM a:1\n", 1, "escape directive")]
    [TestCase("# escape=`\n# escape=\\\nFROM a:1\n", 2, "Only one 'escape'")]
    public void Parse_BadDirective_ThrowsAtItsLine(string text, int line, string message)
    {
        var error = Assert.Throws<DockerfileFormatException>(() => DockerfileParser.Parse(text));

        Assert.That(error!.Line, Is.EqualTo(line));
        Assert.That(error.Message, Does.Contain(message));
    }

    [Test]
    public void Parse_LargerThanLimit_RefusedWithoutParsing()
    {
        var text = "FROM a:1\n" + new string('#', DockerfileParser.MaxBytes);

        var error = Assert.Throws<DockerfileFormatException>(() => DockerfileParser.Parse(text));

        Assert.That(error!.Message, Does.Contain("larger than 1024 KiB"));
    }

    [Test]
    public void Parse_MoreInstructionsThanLimit_RefusedAtTheFirstOneOver()
    {
        var text = string.Concat(Enumerable.Repeat("RUN true\n", DockerfileParser.MaxInstructions + 5));

        var error = Assert.Throws<DockerfileFormatException>(() => DockerfileParser.Parse(text));

        Assert.That(error!.Line, Is.EqualTo(DockerfileParser.MaxInstructions + 1));
    }

    [Test]
    public void Parse_PhysicalLineOverEngineLimit_RefusedAtThatLine()
    {
        var text = "FROM a:1\nRUN echo " + new string('x', DockerfileParser.MaxLineBytes) + "\n";

        var error = Assert.Throws<DockerfileFormatException>(() => DockerfileParser.Parse(text));

        Assert.That(error!.Line, Is.EqualTo(2));
    }

    [Test]
    public void Parse_ByteOrderMarkCrLfAndLowercase_ReadLikeTheEngine()
    {
        var instructions = DockerfileParser.Parse("\uFEFFfrom a:1\r\n  run echo hi\r\n");

        Assert.That(instructions.Select(i => (i.Keyword, i.Arguments)), Is.EqualTo(new[] { ("FROM", "a:1"), ("RUN", "echo hi") }));
    }

    [Test]
    public async Task ParseFileAsync_HugeFile_RefusedAfterReadingOnlyTheLimit()
    {
        var path = Path.GetTempFileName();
        try
        {
            await using (var stream = File.OpenWrite(path)) stream.SetLength(64L << 20);

            var error = Assert.ThrowsAsync<DockerfileFormatException>(() => DockerfileParser.ParseFileAsync(path, CancellationToken.None));

            Assert.That(error!.Message, Does.Contain("larger than"));
        }
        finally
        {
            File.Delete(path);
        }
    }
}
