using Grader.Runner.Dockerfiles;

namespace Grader.Runner.Tests.Dockerfiles;

public sealed class DockerfilePracticesTests
{
    private static readonly PracticeSelection All = new(true, true, true, true);

    private static IReadOnlyList<PracticeViolation> Evaluate(string dockerfile) =>
        DockerfilePractices.Evaluate(DockerfileParser.Parse(dockerfile), All);

    [Test]
    public void Evaluate_GoodDockerfile_NoViolations()
    {
        const string text = """
            FROM python:3.11-slim@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef AS build
            RUN pip wheel -w /wheels .
            FROM python:3.11-slim
            COPY --from=build /wheels /wheels
            RUN useradd -r app
            USER app
            HEALTHCHECK --interval=10s CMD python -c "import urllib.request; urllib.request.urlopen('http://localhost:8080/health')"
            CMD ["python", "-m", "service"]
            """;

        Assert.That(Evaluate(text), Is.Empty);
    }

    [TestCase("FROM python\nUSER app\nHEALTHCHECK CMD true\n", 1, "no tag")]
    [TestCase("FROM python:latest\nUSER app\nHEALTHCHECK CMD true\n", 1, "'latest' tag")]
    [TestCase("FROM registry.example.com:5000/team/python\nUSER app\nHEALTHCHECK CMD true\n", 1, "no tag")]
    [TestCase("ARG BASE=python:latest\nFROM ${BASE}\nUSER app\nHEALTHCHECK CMD true\n", 2, "'latest' tag")]
    [TestCase("FROM $UNSET\nUSER app\nHEALTHCHECK CMD true\n", 1, "build argument")]
    public void Evaluate_UnpinnedBase_ViolationAtFromLine(string text, int line, string message)
    {
        var violation = Evaluate(text).Single();

        Assert.Multiple(() =>
        {
            Assert.That(violation.Practice, Is.EqualTo(DockerfilePractices.PinnedBase));
            Assert.That(violation.Line, Is.EqualTo(line));
            Assert.That(violation.Message, Does.Contain(message));
        });
    }

    [Test]
    public void Evaluate_StageReferenceAndScratch_AreNotUnpinnedImages()
    {
        const string text = "FROM golang:1.22 AS build\nFROM scratch AS empty\nFROM build\nUSER 1000\nHEALTHCHECK CMD true\n";

        Assert.That(Evaluate(text), Is.Empty);
    }

    [TestCase("FROM debian:12\nHEALTHCHECK CMD true\n", 1, "never sets USER")]
    [TestCase("FROM debian:12\nUSER app\nUSER root\nHEALTHCHECK CMD true\n", 3, "final USER is root")]
    [TestCase("FROM debian:12\nUSER 0:0\nHEALTHCHECK CMD true\n", 2, "final USER is root")]
    [TestCase("FROM debian:12\nUSER 00\nHEALTHCHECK CMD true\n", 2, "final USER is root")]
    [TestCase("FROM debian:12\nUSER +0:app\nHEALTHCHECK CMD true\n", 2, "final USER is root")]
    [TestCase("FROM debian:12\nUSER root:app\nHEALTHCHECK CMD true\n", 2, "final USER is root")]
    [TestCase("FROM debian:12 AS b\nUSER app\nFROM debian:12\nHEALTHCHECK CMD true\n", 3, "never sets USER")]
    public void Evaluate_RootUser_ViolationInFinalStage(string text, int line, string message)
    {
        var violation = Evaluate(text).Single();

        Assert.Multiple(() =>
        {
            Assert.That(violation.Practice, Is.EqualTo(DockerfilePractices.NonRoot));
            Assert.That(violation.Line, Is.EqualTo(line));
            Assert.That(violation.Message, Does.Contain(message));
        });
    }

    [TestCase("FROM debian:12\nUSER app\n", 1, "no HEALTHCHECK")]
    [TestCase("FROM debian:12\nUSER app\nHEALTHCHECK NONE\n", 3, "disables")]
    public void Evaluate_MissingHealthcheck_Violation(string text, int line, string message)
    {
        var violation = Evaluate(text).Single();

        Assert.Multiple(() =>
        {
            Assert.That(violation.Practice, Is.EqualTo(DockerfilePractices.Healthcheck));
            Assert.That(violation.Line, Is.EqualTo(line));
            Assert.That(violation.Message, Does.Contain(message));
        });
    }

    [TestCase("ENV DB_PASSWORD=hunter2", "DB_PASSWORD")]
    [TestCase("ENV API_KEY hunter2", "API_KEY")]
    [TestCase("ARG GITHUB_TOKEN=abc", "GITHUB_TOKEN")]
    [TestCase("ENV A=1 SECRET_KEY=\"x y\"", "SECRET_KEY")]
    [TestCase("ENV CONFIG=ghp_abcdefghijklmnopqrstuvwxyz0123456789", "CONFIG")]
    public void Evaluate_SecretInEnvOrArg_ViolationNamesVariable(string line, string name)
    {
        var violation = Evaluate($"FROM debian:12\n{line}\nUSER app\nHEALTHCHECK CMD true\n").Single();

        Assert.Multiple(() =>
        {
            Assert.That(violation.Practice, Is.EqualTo(DockerfilePractices.NoSecrets));
            Assert.That(violation.Line, Is.EqualTo(2));
            Assert.That(violation.Message, Does.Contain(name));
        });
    }

    [TestCase("ARG GITHUB_TOKEN")]
    [TestCase("ENV TOKEN_URL_PATH=$TOKEN_PATH")]
    [TestCase("ENV MODEL_PATH=/models/model.onnx")]
    public void Evaluate_NoLiteralSecret_NoViolation(string line)
    {
        Assert.That(Evaluate($"FROM debian:12\n{line}\nUSER app\nHEALTHCHECK CMD true\n"), Is.Empty);
    }

    [Test]
    public void Evaluate_OnlySelectedPractices_AreChecked()
    {
        var violations = DockerfilePractices.Evaluate(DockerfileParser.Parse("FROM python\n"), new PracticeSelection(false, false, true, false));

        Assert.That(violations.Select(v => v.Practice), Is.EqualTo(new[] { DockerfilePractices.Healthcheck }));
    }

    [Test]
    public void Evaluate_ImageUserNameMappedToUidZero_ViolationAtFinalUser()
    {
        var instructions = DockerfileParser.Parse("FROM debian:12\nRUN echo 'admin:x:0:0::/:/bin/sh' >> /etc/passwd\nUSER admin\nHEALTHCHECK CMD true\n");
        var imageUser = ImageUser.FromPasswd("admin", "admin:x:0:0::/:/bin/sh\n", "the image's /etc/passwd");

        var violation = DockerfilePractices.Evaluate(instructions, All, imageUser).Single();

        Assert.Multiple(() =>
        {
            Assert.That(violation.Practice, Is.EqualTo(DockerfilePractices.NonRoot));
            Assert.That(violation.Line, Is.EqualTo(3));
            Assert.That(violation.Message, Does.Contain("runs as root").And.Contain("uid 0 in the image's /etc/passwd"));
        });
    }

    [Test]
    public void Evaluate_ImageRunsAsNonRootFromItsBase_NoViolationWithoutUserLine()
    {
        var instructions = DockerfileParser.Parse("FROM base-with-user:1\nHEALTHCHECK CMD true\n");

        Assert.That(DockerfilePractices.Evaluate(instructions, All with { PinnedBase = false }, new ImageUser("app", 1000, null, "the image's /etc/passwd")), Is.Empty);
    }

    [Test]
    public void Evaluate_ImageUserUnresolvable_ViolationSaysWhy()
    {
        var instructions = DockerfileParser.Parse("FROM debian:12\nUSER ghost\nHEALTHCHECK CMD true\n");
        var imageUser = ImageUser.FromPasswd("ghost", "root:x:0:0::/:/bin/sh\n", "the image's /etc/passwd");

        var violation = DockerfilePractices.Evaluate(instructions, All, imageUser).Single();

        Assert.That(violation.Message, Does.Contain("cannot be resolved").And.Contain("no user 'ghost'"));
    }
}
