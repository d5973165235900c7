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
    public void Parse_Heredoc_BodyIsNotReadAsInstructions()
    {
        const string text = "FROM debian:12\nRUN <<EOF\nUSER root\nHEALTHCHECK NONE\nEOF\nUSER app\n";

        var instructions = DockerfileParser.Parse(text);

        Assert.That(instructions.Select(i => (i.Keyword, i.Line)), Is.EqualTo(new[] { ("FROM", 1), ("RUN", 2), ("USER", 6) }));
    }
}
