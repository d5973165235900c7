using System.Globalization;
using Docker.DotNet.Models;
using Grader.Runner.Docker;
using Microsoft.Extensions.Logging.Abstractions;

namespace Grader.Runner.Tests.Docker;

/// <summary>The build sandbox on this host's real cgroupfs and firewall (root, engine with the cgroupfs driver).</summary>
[Category("Docker")]
public sealed class BuildIsolationTests : DockerTestBase
{
    private BuildIsolation _isolation = null!;

    [OneTimeSetUp]
    public void CreateIsolation() => _isolation = new BuildIsolation(Docker);

    private ImageBuildRequest Request(string job) => BuildRequest(Scratch, job) with { Pids = 77, MemoryBytes = 96L << 20 };

    private string RunnerCgroups(string controller) => Path.Combine("/sys/fs/cgroup", controller, BuildCgroups.RootName, ImageReuse.SafeName(RunnerId));

    [Test]
    public async Task PrepareAsync_CgroupLimits_WrittenToTheBuildsOwnCgroup()
    {
        await using var sandbox = await _isolation.PrepareAsync(new BuildIdentity(RunnerId, "limits"), Request("limits"), CancellationToken.None);

        var parent = sandbox.Cgroup!.Parent.TrimStart('/');
        Assert.Multiple(() =>
        {
            Assert.That(sandbox.Cgroup.Parent, Does.StartWith($"/{BuildCgroups.RootName}/{ImageReuse.SafeName(RunnerId)}/limits-"));
            Assert.That(File.ReadAllText(Path.Combine("/sys/fs/cgroup/pids", parent, "pids.max")).Trim(), Is.EqualTo("77"));
            Assert.That(File.ReadAllText(Path.Combine("/sys/fs/cgroup/memory", parent, "memory.limit_in_bytes")).Trim(), Is.EqualTo((96L << 20).ToString(CultureInfo.InvariantCulture)));
            Assert.That(sandbox.NetworkMode, Is.EqualTo("none"));
        });
    }

    [Test]
    public async Task DisposeAsync_AfterAStepContainerRan_EveryHierarchysFolderRemoved()
    {
        var sandbox = await _isolation.PrepareAsync(new BuildIdentity(RunnerId, "release"), Request("release"), CancellationToken.None);
        var parent = sandbox.Cgroup!.Parent;
        // The engine creates the parent in every hierarchy (cpu, blkio, ...) when a container starts under it.
        var container = await Docker.Containers.CreateContainerAsync(new CreateContainerParameters
        {
            Image = "grader/busybox:1",
            Cmd = ["true"],
            Labels = DockerLabels.For(RunnerId, "release", "test"),
            HostConfig = new HostConfig { NetworkMode = "none", CgroupParent = parent },
        });
        await Docker.Containers.StartContainerAsync(container.ID, new ContainerStartParameters());
        await Docker.Containers.WaitContainerAsync(container.ID);
        await Docker.Containers.RemoveContainerAsync(container.ID, new ContainerRemoveParameters { Force = true });
        Assert.That(Directory.Exists(Path.Combine("/sys/fs/cgroup/cpu", parent.TrimStart('/'))), Is.True, "control: the engine made the folder in the cpu hierarchy");

        await sandbox.DisposeAsync();

        var left = Directory.GetDirectories("/sys/fs/cgroup").Select(h => Path.Combine(h, parent.TrimStart('/'))).Where(Directory.Exists);
        Assert.That(left, Is.Empty);
    }

    [Test]
    public async Task PrepareAsync_EgressMode_GuardedNetworkWithRulesRemovedOnDispose()
    {
        var sandbox = await _isolation.PrepareAsync(new BuildIdentity(RunnerId, "egress"), Request("egress") with { Network = BuildNetwork.Egress }, CancellationToken.None);
        var network = await Docker.Networks.InspectNetworkAsync(sandbox.NetworkMode);
        var bridge = network.Options["com.docker.network.bridge.name"];
        var (_, rules) = await Grader.Runner.Docker.HostIngressGuard.RunAsync(["-w", "5", "-S", "DOCKER-USER"], CancellationToken.None);
        Assert.Multiple(() =>
        {
            Assert.That(network.Labels[DockerLabels.RunnerId], Is.EqualTo(RunnerId));
            Assert.That(network.Options["com.docker.network.bridge.enable_icc"], Is.EqualTo("false"));
            Assert.That(rules, Does.Contain($"-d 169.254.0.0/16 -i {bridge}").And.Contain($"-d 10.0.0.0/8 -i {bridge}"));
        });

        await sandbox.DisposeAsync();

        var (_, after) = await Grader.Runner.Docker.HostIngressGuard.RunAsync(["-w", "5", "-S", "DOCKER-USER"], CancellationToken.None);
        var (_, input) = await Grader.Runner.Docker.HostIngressGuard.RunAsync(["-w", "5", "-S", "INPUT"], CancellationToken.None);
        Assert.Multiple(() =>
        {
            Assert.That(after, Does.Not.Contain(bridge));
            Assert.That(input, Does.Not.Contain(bridge));
        });
        Assert.CatchAsync<global::Docker.DotNet.DockerNetworkNotFoundException>(() => Docker.Networks.InspectNetworkAsync(network.ID));
    }

    [Test]
    public void CreateUnified_CgroupV2Layout_ControllersEnabledDownThePathAndLimitsWritten()
    {
        // cgroup v2 cannot run on this host (the engine uses v1): the layout is checked on a folder standing in for the unified mount.
        var root = Directory.CreateTempSubdirectory("grader-cgroup2-").FullName;
        try
        {
            var mount = new CgroupMount(root, Unified: true, new HashSet<string>());

            var cgroup = BuildCgroups.CreateUnified("/grader-build/r/j-1", [mount], 33, 64L << 20);

            Assert.Multiple(() =>
            {
                Assert.That(File.ReadAllText(Path.Combine(root, "cgroup.subtree_control")), Is.EqualTo("+pids +memory"));
                Assert.That(File.ReadAllText(Path.Combine(root, "grader-build", "r", "cgroup.subtree_control")), Is.EqualTo("+pids +memory"));
                Assert.That(File.ReadAllText(Path.Combine(root, "grader-build", "r", "j-1", "pids.max")), Is.EqualTo("33"));
                Assert.That(File.ReadAllText(Path.Combine(root, "grader-build", "r", "j-1", "memory.max")), Is.EqualTo((64L << 20).ToString(CultureInfo.InvariantCulture)));
                Assert.That(File.ReadAllText(Path.Combine(root, "grader-build", "r", "j-1", "memory.swap.max")), Is.EqualTo("0"));
                Assert.That(cgroup.ProcessesDirectory, Is.EqualTo(Path.Combine(root, "grader-build", "r", "j-1")));
            });
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    [Test]
    public async Task SweepAsync_CrashedRunnersBuild_CgroupWithLiveProcessRulesAndNetworkRemovedOthersKept()
    {
        var other = "test-other-" + Guid.NewGuid().ToString("N");
        // A runner that crashed mid-build: its sandbox never released, a step container still running in it.
        var crashed = await _isolation.PrepareAsync(new BuildIdentity(RunnerId, "crashed"), Request("crashed") with { Network = BuildNetwork.Egress }, CancellationToken.None);
        var kept = await _isolation.PrepareAsync(new BuildIdentity(other, "alive"), Request("alive"), CancellationToken.None);
        try
        {
            var container = await Docker.Containers.CreateContainerAsync(new CreateContainerParameters
            {
                Image = "grader/busybox:1",
                Cmd = ["sleep", "600"],
                Labels = DockerLabels.For(RunnerId, "crashed", "build"),
                HostConfig = new HostConfig { NetworkMode = crashed.NetworkMode, CgroupParent = crashed.Cgroup!.Parent },
            });
            await Docker.Containers.StartContainerAsync(container.ID, new ContainerStartParameters());

            var report = await new JobJanitor(Docker, NullLogger<JobJanitor>.Instance, _isolation).SweepAsync(RunnerId, includeReusableImages: true, CancellationToken.None);

            var (_, rules) = await Grader.Runner.Docker.HostIngressGuard.RunAsync(["-w", "5", "-S", "DOCKER-USER"], CancellationToken.None);
            Assert.Multiple(() =>
            {
                Assert.That(report.Containers, Is.EqualTo(1));
                Assert.That(report.Networks, Is.EqualTo(1));
                Assert.That(report.BuildLeftovers, Is.GreaterThan(1), "the cgroup and the firewall rules");
                Assert.That(Directory.Exists(RunnerCgroups("pids")), Is.False);
                Assert.That(Directory.Exists(RunnerCgroups("cpu")), Is.False);
                Assert.That(rules, Does.Not.Contain(Grader.Runner.Docker.HostIngressGuard.CommentFor(RunnerId)));
                Assert.That(Directory.Exists(Path.Combine("/sys/fs/cgroup/pids", kept.Cgroup!.Parent.TrimStart('/'))), Is.True, "another runner's build is left alone");
            });
        }
        finally
        {
            await kept.DisposeAsync();
            await _isolation.SweepAsync(other, CancellationToken.None);
        }
    }
}
