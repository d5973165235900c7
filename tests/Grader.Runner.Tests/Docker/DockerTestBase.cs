using Docker.DotNet;
using Docker.DotNet.Models;
using Grader.Rubrics.Model;
using Grader.Runner.Checks;
using Grader.Runner.Docker;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Grader.Runner.Tests.Docker;

/// <summary>
/// Real engine, unique runner id per fixture; after every test nothing labelled with that runner id may
/// remain running (containers, networks, volumes), and the fixture removes its images at the end.
/// </summary>
// Integration level: needs prism, Docker or child processes (scripts/test.sh runs it after the unit level).
[Category("Integration")]
public abstract class DockerTestBase
{
    protected DockerClient Docker { get; private set; } = null!;
    protected string RunnerId { get; } = "test-" + Guid.NewGuid().ToString("N");
    protected string Scratch { get; private set; } = null!;
    protected DockerImageBuilder Builder { get; private set; } = null!;
    protected DockerImageInspector Inspector { get; private set; } = null!;
    protected DockerContainerSandbox Sandbox { get; private set; } = null!;
    protected JobJanitor Janitor { get; private set; } = null!;

    [OneTimeSetUp]
    public async Task StartEngineClientAsync()
    {
        Docker = DockerClientFactory.Create();
        await BaseImages.EnsureBusyboxAsync(Docker, CancellationToken.None);
        Builder = new DockerImageBuilder(Docker, NullLogger<DockerImageBuilder>.Instance);
        Inspector = new DockerImageInspector(Docker);
        Sandbox = new DockerContainerSandbox(Docker, Options.Create(new SandboxOptions()), NullLogger<DockerContainerSandbox>.Instance);
        Janitor = new JobJanitor(Docker, NullLogger<JobJanitor>.Instance);
        Scratch = Directory.CreateTempSubdirectory("grader-docker-tests-").FullName;
    }

    [TearDown]
    public async Task NothingOfThisRunnerIsLeftAsync()
    {
        var containers = await Docker.Containers.ListContainersAsync(new ContainersListParameters { All = true, Filters = RunnerFilter() });
        var networks = await Docker.Networks.ListNetworksAsync(new NetworksListParameters { Filters = RunnerFilter() });
        var volumes = await Docker.Volumes.ListAsync(new VolumesListParameters { Filters = RunnerFilter() });
        Assert.Multiple(() =>
        {
            Assert.That(containers, Is.Empty, "containers left behind");
            Assert.That(networks, Is.Empty, "networks left behind");
            Assert.That(volumes.Volumes ?? [], Is.Empty, "volumes left behind");
        });
    }

    [OneTimeTearDown]
    public async Task RemoveFixtureObjectsAsync()
    {
        await Janitor.SweepAsync(RunnerId, includeReusableImages: true, CancellationToken.None);
        Docker.Dispose();
        Directory.Delete(Scratch, recursive: true);
    }

    protected Dictionary<string, IDictionary<string, bool>> RunnerFilter() => new()
    {
        ["label"] = new Dictionary<string, bool> { [$"{DockerLabels.RunnerId}={RunnerId}"] = true },
    };

    /// <summary>Writes a submission folder from file names and contents.</summary>
    protected string Submission(string name, IReadOnlyDictionary<string, string> files)
    {
        var root = Path.Combine(Scratch, name + "-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(root);
        foreach (var (path, content) in files)
        {
            var full = Path.Combine(root, path);
            Directory.CreateDirectory(Path.GetDirectoryName(full)!);
            File.WriteAllText(full, content);
        }
        return root;
    }

    protected ImageBuildRequest BuildRequest(string context, string jobId = "job", TimeSpan? timeout = null, long maxContextBytes = 64L << 20) => new(
        context, "Dockerfile", $"grader-test/{RunnerId}:{Guid.NewGuid():N}",
        DockerLabels.For(RunnerId, jobId, "build"), timeout ?? TimeSpan.FromSeconds(60), maxContextBytes);

    /// <summary>Builds and inspects an image, filling a grading context the way the pipeline does.</summary>
    protected async Task<GradingContext> BuildContextAsync(string submission, Rubric? rubric = null, string jobId = "job", TimeSpan? buildTimeout = null)
    {
        var context = new GradingContext
        {
            JobId = jobId,
            RunnerId = RunnerId,
            Rubric = rubric ?? TestRubrics.With(new BuildCheck()),
            SubmissionDirectory = submission,
            WorkDirectory = Directory.CreateDirectory(Path.Combine(Scratch, "work-" + Guid.NewGuid().ToString("N")[..8])).FullName,
        };
        context.Build = await Builder.BuildAsync(BuildRequest(submission, jobId, buildTimeout), null, CancellationToken.None);
        if (context.Build.Succeeded) context.Image = await Inspector.InspectAsync(context.Build.ImageId!, CancellationToken.None);
        return context;
    }

    protected static SandboxLimits SmallLimits(long memoryMiB = 64, long pids = 64, long tmpMiB = 16, long outputKiB = 64) => new()
    {
        Memory = new ByteSize(memoryMiB << 20),
        Cpus = 1,
        Pids = pids,
        TmpSize = new ByteSize(tmpMiB << 20),
        MaxOutput = new ByteSize(outputKiB << 10),
        Timeout = TimeSpan.FromSeconds(20),
    };
}
