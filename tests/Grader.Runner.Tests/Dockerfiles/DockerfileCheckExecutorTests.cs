using Grader.Rubrics.Model;
using Grader.Rubrics.Results;
using Grader.Runner.Dockerfiles;
using Grader.Runner.Images;
using Grader.Runner.Tests.Support;

namespace Grader.Runner.Tests.Dockerfiles;

public sealed class DockerfileCheckExecutorTests
{
    [Test]
    public async Task ExecuteAsync_UnpinnedBaseAndRoot_FailsWithAnnotationsAtLines()
    {
        using var submission = new SubmissionFolder().With("Dockerfile", "FROM python:latest\nCOPY . /app\nHEALTHCHECK CMD true\nCMD [\"python\"]\n");
        var criterion = SubmissionFolder.Criterion(new DockerfileCheck());

        var result = await new DockerfileCheckExecutor().ExecuteAsync(criterion, submission.Context(criterion), CancellationToken.None);

        Assert.Multiple(() =>
        {
            Assert.That(result.Status, Is.EqualTo(CheckStatus.Failed));
            Assert.That(result.Measure, Is.EqualTo(0.5), "2 of 4 practices followed");
            Assert.That(result.Annotations.Select(a => (a.Path, a.StartLine, a.Title)),
                Is.EquivalentTo(new[] { ("Dockerfile", 1, "Unpinned base image"), ("Dockerfile", 1, "Runs as root") }));
            Assert.That(result.Values["followed"], Is.EqualTo("2/4"));
        });
    }

    [Test]
    public async Task ExecuteAsync_GoodDockerfileAtCustomPath_Passes()
    {
        using var submission = new SubmissionFolder().With("docker/Dockerfile.prod", "FROM python:3.11-slim\nUSER app\nHEALTHCHECK CMD true\n");
        var criterion = SubmissionFolder.Criterion(new DockerfileCheck { Path = "docker/Dockerfile.prod" });

        var result = await new DockerfileCheckExecutor().ExecuteAsync(criterion, submission.Context(criterion), CancellationToken.None);

        Assert.Multiple(() =>
        {
            Assert.That(result.Status, Is.EqualTo(CheckStatus.Passed));
            Assert.That(result.Measure, Is.EqualTo(1.0));
        });
    }

    [Test]
    public async Task ExecuteAsync_NoDockerfile_FailsSayingSo()
    {
        using var submission = new SubmissionFolder();
        var criterion = SubmissionFolder.Criterion(new DockerfileCheck());

        var result = await new DockerfileCheckExecutor().ExecuteAsync(criterion, submission.Context(criterion), CancellationToken.None);

        Assert.Multiple(() =>
        {
            Assert.That(result.Status, Is.EqualTo(CheckStatus.Failed));
            Assert.That(result.Message, Does.Contain("'Dockerfile' does not exist"));
        });
    }

    [Test]
    public async Task ExecuteAsync_DockerfileIsSymlinkToRunnerFile_RefusesToReadIt()
    {
        using var submission = new SubmissionFolder();
        var secret = Path.Combine(submission.RubricRoot, "runner-secret");
        await File.WriteAllTextAsync(secret, "FROM runner-secret-content");
        File.CreateSymbolicLink(Path.Combine(submission.Root, "Dockerfile"), secret);
        var criterion = SubmissionFolder.Criterion(new DockerfileCheck());

        var result = await new DockerfileCheckExecutor().ExecuteAsync(criterion, submission.Context(criterion), CancellationToken.None);

        Assert.Multiple(() =>
        {
            Assert.That(result.Status, Is.EqualTo(CheckStatus.Failed));
            Assert.That(result.Message, Does.Contain("symbolic link"));
            Assert.That(string.Join("\n", result.Values.Values) + result.Message, Does.Not.Contain("runner-secret-content"));
        });
    }

    [Test]
    public async Task ExecuteAsync_ImageRunsAsUidZeroUnderAnotherName_NonRootFailsAtTheUserLine()
    {
        using var submission = new SubmissionFolder().With("Dockerfile", "FROM python:3.11-slim\nRUN echo 'admin:x:0:0::/:/bin/sh' >> /etc/passwd\nUSER admin\nHEALTHCHECK CMD true\n");
        var criterion = SubmissionFolder.Criterion(new DockerfileCheck());
        var context = submission.Context(criterion);
        context.Image = new Grader.Runner.Docker.ImageDetails("sha256:built", "tag", 1, [], "admin", true)
        {
            ResolvedUser = ImageUser.FromPasswd("admin", "admin:x:0:0::/:/bin/sh\n", "the image's /etc/passwd"),
        };

        var result = await new DockerfileCheckExecutor().ExecuteAsync(criterion, context, CancellationToken.None);

        Assert.Multiple(() =>
        {
            Assert.That(result.Status, Is.EqualTo(CheckStatus.Failed));
            Assert.That(result.Annotations.Select(a => (a.StartLine, a.Title)), Is.EqualTo(new[] { (3, "Runs as root") }));
        });
    }

    [Test]
    public async Task ExecuteAsync_UnreadableDockerfile_FailsWithLocatedMessage()
    {
        using var submission = new SubmissionFolder().With("Dockerfile", "# escape=x\nFROM python:3.11-slim\n");
        var criterion = SubmissionFolder.Criterion(new DockerfileCheck());

        var result = await new DockerfileCheckExecutor().ExecuteAsync(criterion, submission.Context(criterion), CancellationToken.None);

        Assert.Multiple(() =>
        {
            Assert.That(result.Status, Is.EqualTo(CheckStatus.Failed));
            Assert.That(result.Details, Is.EqualTo(new[] { "Dockerfile:1: The escape directive must be ` or \\, not 'x'." }));
        });
    }
}
