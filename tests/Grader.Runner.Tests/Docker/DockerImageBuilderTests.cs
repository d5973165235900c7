using Grader.Runner.Docker;
using Microsoft.Extensions.Logging.Abstractions;

namespace Grader.Runner.Tests.Docker;

public class DockerImageBuilderTests : DockerTestBase
{
    private sealed class Collect : IProgress<string>
    {
        public List<string> Lines { get; } = [];
        public void Report(string value) => Lines.Add(value);
    }

    [Test]
    public async Task BuildAsync_ValidDockerfile_SucceedsLabelledWithProgress()
    {
        var submission = Submission("ok", new Dictionary<string, string>
        {
            ["Dockerfile"] = "FROM grader/busybox:1\nCOPY app.txt /app.txt\nRUN cat /app.txt\n",
            ["app.txt"] = "hello-from-context",
        });
        var progress = new Collect();

        var outcome = await Builder.BuildAsync(BuildRequest(submission, "labels"), progress, CancellationToken.None);

        Assert.That(outcome.Succeeded, Is.True, outcome.Log);
        var image = await Docker.Images.InspectImageAsync(outcome.ImageId!);
        Assert.Multiple(() =>
        {
            Assert.That(outcome.Log, Does.Contain("hello-from-context"));
            Assert.That(image.Config.Labels[DockerLabels.RunnerId], Is.EqualTo(RunnerId));
            Assert.That(image.Config.Labels[DockerLabels.JobId], Is.EqualTo("labels"));
            Assert.That(progress.Lines, Has.Some.StartsWith("Step 1/"));
            Assert.That(outcome.Error, Is.Null);
        });
    }

    // tail -n 1 holds a line in memory until its end, and /dev/zero has no newline: RUN needs about 200 MB.
    private const string MemoryHungryDockerfile = "FROM grader/busybox:1\nRUN head -c 200m /dev/zero | tail -n 1 > /dev/null\n";

    [Test]
    public async Task BuildAsync_RunStepOverBuildMemoryLimit_FailsAndHostKeepsItsMemory()
    {
        var submission = Submission("memhog", new Dictionary<string, string> { ["Dockerfile"] = MemoryHungryDockerfile });

        var outcome = await Builder.BuildAsync(BuildRequest(submission) with { MemoryBytes = 48L << 20, Cpus = 1 }, null, CancellationToken.None);

        Assert.That(outcome.Succeeded, Is.False, outcome.Log);
        Assert.That(outcome.Error, Does.Contain("non-zero code: 137").And.Contain("memory limit"));
    }

    [Test]
    public async Task BuildAsync_RunStepWithinBuildMemoryLimit_Succeeds()
    {
        var submission = Submission("memok", new Dictionary<string, string> { ["Dockerfile"] = MemoryHungryDockerfile });

        var outcome = await Builder.BuildAsync(BuildRequest(submission) with { MemoryBytes = 1L << 30, Cpus = 1 }, null, CancellationToken.None);

        Assert.That(outcome.Succeeded, Is.True, outcome.Log);
    }

    [Test]
    public async Task BuildAsync_UnknownInstruction_FailsWithParseError()
    {
        var submission = Submission("syntax", new Dictionary<string, string> { ["Dockerfile"] = "FORM grader/busybox:1\n" });

        var outcome = await Builder.BuildAsync(BuildRequest(submission), null, CancellationToken.None);

        Assert.That(outcome.Succeeded, Is.False);
        Assert.That(outcome.Error, Does.Contain("unknown instruction").IgnoreCase);
    }

    [Test]
    public async Task BuildAsync_FailingRun_FailsWithCommandErrorAndLog()
    {
        var submission = Submission("failing", new Dictionary<string, string> { ["Dockerfile"] = "FROM grader/busybox:1\nRUN echo before-failure && exit 3\n" });

        var outcome = await Builder.BuildAsync(BuildRequest(submission), null, CancellationToken.None);

        Assert.Multiple(() =>
        {
            Assert.That(outcome.Succeeded, Is.False);
            Assert.That(outcome.Error, Does.Contain("returned a non-zero code: 3"));
            Assert.That(outcome.Log, Does.Contain("before-failure"));
            Assert.That(outcome.TimedOut, Is.False);
        });
    }

    [Test]
    public async Task BuildAsync_MissingDockerfile_FailsWithClearMessage()
    {
        var submission = Submission("nodockerfile", new Dictionary<string, string> { ["app.py"] = "print(1)" });

        var outcome = await Builder.BuildAsync(BuildRequest(submission), null, CancellationToken.None);

        Assert.That(outcome.Error, Is.EqualTo("No Dockerfile found at 'Dockerfile' in the build context."));
    }

    [Test]
    public async Task BuildAsync_LogOverLimit_TruncatedAndNoted()
    {
        var submission = Submission("noisy", new Dictionary<string, string> { ["Dockerfile"] = "FROM grader/busybox:1\nRUN yes noisy-build-line | head -n 20000\n" });

        var outcome = await Builder.BuildAsync(BuildRequest(submission) with { MaxLogBytes = 4096 }, null, CancellationToken.None);

        Assert.Multiple(() =>
        {
            Assert.That(outcome.Succeeded, Is.True);
            Assert.That(outcome.LogTruncated, Is.True);
            Assert.That(outcome.Log.Length, Is.LessThan(5000));
            Assert.That(outcome.Log, Does.Contain("omitted").And.Contain("Successfully built"));
        });
    }

    [Test]
    public void BuildAsync_EngineUnreachable_ThrowsInfrastructureException()
    {
        using var nowhere = DockerClientFactory.Create(new DockerEngineOptions { Endpoint = new Uri("unix:///tmp/no-such-docker-" + Guid.NewGuid().ToString("N") + ".sock") });
        var builder = new DockerImageBuilder(nowhere, NullLogger<DockerImageBuilder>.Instance);
        var submission = Submission("unreachable", new Dictionary<string, string> { ["Dockerfile"] = "FROM grader/busybox:1\n" });

        Assert.ThrowsAsync<GraderInfrastructureException>(() => builder.BuildAsync(BuildRequest(submission), null, CancellationToken.None));
    }
}
