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

    [Test]
    public async Task BuildAsync_RunStep_CoreDumpsOffOpenFilesBoundedInItsOwnCgroup()
    {
        var submission = Submission("limits", new Dictionary<string, string>
        {
            ["Dockerfile"] = "FROM grader/busybox:1\nRUN echo core=$(ulimit -c) nofile=$(ulimit -n) && grep pids /proc/self/cgroup\n",
        });

        var outcome = await Builder.BuildAsync(BuildRequest(submission, "ulimits") with { NoFile = 2048 }, null, CancellationToken.None);

        Assert.That(outcome.Succeeded, Is.True, outcome.Log);
        Assert.That(outcome.Log, Does.Contain("core=0 nofile=2048"));
        Assert.That(outcome.Log, Does.Contain($"pids:/grader-build/{Grader.Runner.Docker.ImageReuse.SafeName(RunnerId)}/ulimits-"));
    }

    [Test]
    public async Task BuildAsync_SameDockerfileTwice_SecondBuildNeverUsesTheCache()
    {
        var submission = Submission("nocache", new Dictionary<string, string> { ["Dockerfile"] = "FROM grader/busybox:1\nRUN echo step-" + Guid.NewGuid().ToString("N") + "\n" });

        var first = await Builder.BuildAsync(BuildRequest(submission, "cache-1"), null, CancellationToken.None);
        var second = await Builder.BuildAsync(BuildRequest(submission, "cache-2"), null, CancellationToken.None);

        Assert.That(first.Succeeded && second.Succeeded, Is.True, second.Log);
        Assert.That(second.Log, Does.Not.Contain("Using cache"), "one build must never get (or learn about) another build's layer");
        Assert.That(second.ImageId, Is.Not.EqualTo(first.ImageId));
    }

    [Test]
    public async Task BuildAsync_MultiStage_EarlierStagesImagesNotKept()
    {
        var marker = Guid.NewGuid().ToString("N");
        var submission = Submission("stages", new Dictionary<string, string>
        {
            ["Dockerfile"] = $"FROM grader/busybox:1 AS compile\nLABEL dev.grader.test-marker={marker}\nRUN echo built > /artifact\nFROM grader/busybox:1\nCOPY --from=compile /artifact /artifact\n",
        });

        var outcome = await Builder.BuildAsync(BuildRequest(submission, "stages"), null, CancellationToken.None);

        Assert.That(outcome.Succeeded, Is.True, outcome.Log);
        var left = await Docker.Images.ListImagesAsync(new global::Docker.DotNet.Models.ImagesListParameters
        {
            All = true,
            Filters = new Dictionary<string, IDictionary<string, bool>> { ["label"] = new Dictionary<string, bool> { [$"dev.grader.test-marker={marker}"] = true } },
        });
        Assert.That(left, Is.Empty, "the first stage's images stay on the engine for ever otherwise");
    }

    [Test]
    public async Task BuildAsync_CgroupLimitsOff_BuildsWithoutARunnerCgroup()
    {
        var submission = Submission("optout", new Dictionary<string, string> { ["Dockerfile"] = "FROM grader/busybox:1\nRUN grep pids /proc/self/cgroup\n" });

        var outcome = await Builder.BuildAsync(BuildRequest(submission, "optout") with { CgroupLimits = false }, null, CancellationToken.None);

        Assert.That(outcome.Succeeded, Is.True, outcome.Log);
        Assert.That(outcome.Log, Does.Not.Contain("grader-build"));
    }

    [Test]
    public async Task BuildAsync_ReferenceRefused_LocatedErrorBeforeTheEngineRuns()
    {
        var submission = Submission("refused", new Dictionary<string, string> { ["Dockerfile"] = "# a comment\nFROM grader/busybox:1\nCOPY --from=ghcr.io/x/y:1 /a /a\n" });

        var outcome = await Builder.BuildAsync(BuildRequest(submission, "refused"), null, CancellationToken.None);

        Assert.Multiple(() =>
        {
            Assert.That(outcome.Succeeded, Is.False);
            Assert.That(outcome.Error, Does.Contain("Dockerfile:3: COPY --from 'ghcr.io/x/y:1' is not an allowed base image on this grader (allowed: grader/*, *)"));
            Assert.That(outcome.Log, Does.Not.Contain("Step 1/"));
        });
    }
}
