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
}
