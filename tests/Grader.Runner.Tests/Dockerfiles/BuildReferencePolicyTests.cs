using Grader.Runner.Dockerfiles;

namespace Grader.Runner.Tests.Dockerfiles;

public sealed class BuildReferencePolicyTests
{
    private static IReadOnlyList<ReferenceViolation> Check(string dockerfile, params string[] allowed) =>
        new BuildReferencePolicy(allowed.Length == 0 ? null : allowed).Check(DockerfileParser.Parse(dockerfile));

    [TestCase("FROM grader/busybox:1\n")]
    [TestCase("FROM python:3.11-slim\n")]
    [TestCase("FROM docker.io/library/python:3.11\n")]
    [TestCase("FROM python:3.11-slim@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef\n")]
    [TestCase("FROM scratch\nCOPY a /a\n")]
    [TestCase("FROM grader/busybox:1 AS Build\nFROM build\nCOPY --from=BUILD /a /a\nCOPY --from=0 /b /b\n")]
    [TestCase("ARG BASE=grader/busybox:1\nFROM ${BASE}\n")]
    [TestCase("ARG TAG=\"1\"\nFROM grader/busybox:${TAG}\n")]
    [TestCase("ARG TAG\nFROM grader/busybox:${TAG:-1}\n")]
    [TestCase("FROM grader/busybox:1\nADD app.tar.gz /app/\nADD [\"a b\", \"/c\"]\n")]
    [TestCase("FROM --platform=linux/amd64 grader/busybox:1\n")]
    public void Check_AllowedReferences_NoViolation(string dockerfile)
    {
        Assert.That(Check(dockerfile), Is.Empty);
    }

    [TestCase("FROM 3f2a1b4c5d6e\n", 1, "by id")]
    [TestCase("FROM d2\n", 1, "by id")]
    [TestCase("FROM sha256:3f2a1b4c5d6e\n", 1, "by id")]
    [TestCase("FROM grader-job/runner:job\n", 1, "grader made for a job")]
    [TestCase("FROM grader-reuse/runner:0123\n", 1, "grader made for a job")]
    [TestCase("FROM docker.io/grader-job/runner:job\n", 1, "grader made for a job")]
    [TestCase("FROM grader-anything:1\n", 1, "grader made for a job")]
    [TestCase("FROM ghcr.io/someone/image:1\n", 1, "not an allowed base image")]
    [TestCase("FROM 169.254.169.254/latest:1\n", 1, "not an allowed base image")]
    [TestCase("FROM localhost:5000/x:1\n", 1, "not an allowed base image")]
    [TestCase("FROM Python:3\n", 1, "not a valid image reference")]
    [TestCase("FROM \"grader/busybox:1\"\n", 1, "quotes")]
    [TestCase("FROM $UNSET\n", 1, "not a build argument")]
    [TestCase("ARG X\nFROM grader/busybox$X\n", 2, "no default")]
    [TestCase("ARG X=\"a\"b\"\nFROM $X\n", 2, "quotes or escapes")]
    [TestCase("ARG ID=3f2a1b4c5d6e\nFROM ${ID}\n", 2, "by id")]
    [TestCase("ARG NS=grader-job\nFROM ${NS}/r:j\n", 2, "grader made")]
    [TestCase("FROM grader/busybox:${T:=1}\n", 1, "modifier")]
    [TestCase("FROM grader/busybox:1\nCOPY --from=3f2a1b4c5d6e /a /a\n", 2, "by id")]
    [TestCase("FROM grader/busybox:1\nCOPY --from=$X /a /a\n", 2, "literally")]
    [TestCase("FROM grader/busybox:1\nCOPY --from=1 /a /a\n", 2, "no earlier stage 1")]
    [TestCase("FROM grader/busybox:1\nADD http://169.254.169.254/ /m\n", 2, "download")]
    [TestCase("FROM grader/busybox:1\nADD HTTPS://example.com/x /m\n", 2, "download")]
    [TestCase("FROM grader/busybox:1\nADD [\"http://10.0.0.1/x\", \"/m\"]\n", 2, "download")]
    [TestCase("FROM grader/busybox:1\nENV U=http://10.0.0.1/\nADD $U /m\n", 3, "variables")]
    [TestCase("FROM grader/busybox:1\nADD h\\ttp://10.0.0.1/ /m\n", 2, "escapes")]
    [TestCase("FROM grader/busybox:1\nRUN <<EOF\nFROM 3f2a1b\nEOF\n", 3, "by id")]
    [TestCase("FROM grader/busybox:1 AS base\nONBUILD COPY --from=3f2a1b4c5d6e /s /s\nFROM base\n", 2, "by id")]
    [TestCase("FROM grader/busybox:1 AS base\nonbuild copy --from=grader-job/r:j /s /s\nFROM base\n", 2, "grader made")]
    [TestCase("FROM grader/busybox:1 AS base\nONBUILD ADD http://169.254.169.254/ /m\nFROM base\n", 2, "download")]
    public void Check_RefusedReference_ViolationAtItsLine(string dockerfile, int line, string message)
    {
        var violation = Check(dockerfile).First();

        Assert.That(violation.Line, Is.EqualTo(line));
        Assert.That(violation.Message, Does.Contain(message));
    }

    [TestCase("FROM grader/busybox:1\nCOPY --from=later /a /a\nFROM grader/busybox:1 AS later\n")]
    [TestCase("FROM grader/busybox:1 AS stage\nCOPY --from=stage /x /x\n")]
    public void Check_StageNamedBeforeItExists_IsAnImageNameLikeTheEngineReadsIt(string dockerfile)
    {
        var violation = Check(dockerfile, "grader/*").Single();

        Assert.That(violation.Line, Is.EqualTo(2));
        Assert.That(violation.Message, Does.Contain("not an allowed base image"));
    }

    [Test]
    public void Check_CustomPatterns_OnlyThoseAllowed()
    {
        Assert.Multiple(() =>
        {
            Assert.That(Check("FROM ghcr.io/my-course/base/python:3\n", "ghcr.io/my-course/**"), Is.Empty);
            Assert.That(Check("FROM python:3\n", "ghcr.io/my-course/**"), Has.Count.EqualTo(1));
            Assert.That(Check("FROM grader-job/x:1\n", "**"), Has.Count.EqualTo(1), "Grader's own images stay refused whatever the patterns");
            Assert.That(Check("FROM 3f2a1b\n", "**"), Has.Count.EqualTo(1), "ids stay refused whatever the patterns");
        });
    }
}
