using Grader.Runner.Dockerfiles;

namespace Grader.Runner.Tests.Dockerfiles;

public sealed class ImageNameTests
{
    [TestCase("python:3.11", "python", "3.11", null)]
    [TestCase("docker.io/library/python:3.11", "python", "3.11", null)]
    [TestCase("index.docker.io/grader/busybox:1", "grader/busybox", "1", null)]
    [TestCase("grader/busybox", "grader/busybox", null, null)]
    [TestCase("localhost:5000/team/app:v2", "localhost:5000/team/app", "v2", null)]
    [TestCase("ghcr.io/org/app@sha256:0123456789abcdef0123456789abcdef", "ghcr.io/org/app", null, "sha256:0123456789abcdef0123456789abcdef")]
    public void Parse_ValidReference_FamiliarRepository(string reference, string repository, string? tag, string? digest)
    {
        Assert.That(ImageName.Parse(reference), Is.EqualTo(new ImageName(repository, tag, digest)));
    }

    [TestCase("Python:3")]
    [TestCase("a b")]
    [TestCase("grader/busybox:1:2")]
    [TestCase("")]
    [TestCase("-x")]
    public void Parse_InvalidReference_Null(string reference)
    {
        Assert.That(ImageName.Parse(reference), Is.Null);
    }

    [TestCase("python", "*", true)]
    [TestCase("grader/busybox", "*", false)]
    [TestCase("grader/busybox", "grader/*", true)]
    [TestCase("grader/a/b", "grader/*", false)]
    [TestCase("grader/a/b", "grader/**", true)]
    [TestCase("ghcr.io/org/app", "ghcr.io/org/*", true)]
    [TestCase("ghcr.io.evil/org/app", "ghcr.io/org/*", false)]
    public void Matches_Pattern(string repository, string pattern, bool expected)
    {
        Assert.That(ImageName.Matches(repository, pattern), Is.EqualTo(expected));
    }
}
