using System.Diagnostics;
using System.Text;
using Docker.DotNet.Models;
using Grader.Runner.Docker;
using Grader.Runner.Tests.Docker;

namespace Grader.Runner.Tests.Hostile;

/// <summary>
/// Hostile Dockerfiles against the real builder on the real engine: process, memory and disk bombs, network probes
/// (to the host, cloud metadata, private addresses and other jobs, all listeners on this machine), and references to
/// another job's image. Each asserts containment and a healthy host afterwards: the host can still start processes,
/// a normal build still succeeds, and nothing of the hostile build is left (no image or intermediate layer, no build
/// cgroup, no firewall rule; containers, networks and volumes are checked by the base class after every test).
/// </summary>
[Category("Hostile")]
[Category("Docker")]
public sealed class HostileBuildTests : DockerTestBase
{
    private const string MarkerLabel = "dev.grader.test-marker";

    private string _marker = null!;
    private ProbeListeners _listeners = null!;
    private string _victimId = null!;
    private string _victimSecret = null!;
    private string _victimJobTag = null!;
    private string _victimReuseTag = null!;

    [OneTimeSetUp]
    public async Task StartListenersAndBuildVictimAsync()
    {
        _listeners = await ProbeListeners.StartAsync();
        // Another learner's job image, holding a secret, tagged the way the pipeline tags job and reuse images.
        _victimSecret = "victim-secret-" + Guid.NewGuid().ToString("N");
        var victim = await Builder.BuildAsync(BuildRequest(Submission("victim", new Dictionary<string, string>
        {
            ["Dockerfile"] = $"FROM {BaseImages.Busybox}\nRUN echo {_victimSecret} > /secret.txt\n",
        }), "victim"), null, CancellationToken.None);
        Assert.That(victim.Succeeded, Is.True, victim.Log);
        _victimId = victim.ImageId!;
        var runner = ImageReuse.SafeName(RunnerId);
        _victimJobTag = $"grader-job/{runner}:victim";
        _victimReuseTag = ImageReuse.TagFor(RunnerId, "0123456789abcdef0123456789abcdef");
        foreach (var tag in new[] { _victimJobTag, _victimReuseTag })
        {
            var colon = tag.LastIndexOf(':');
            await Docker.Images.TagImageAsync(_victimId, new ImageTagParameters { RepositoryName = tag[..colon], Tag = tag[(colon + 1)..] });
        }
        // Control: the engine itself resolves a short id prefix to the victim, so refusing it below is what stops it.
        var resolved = await Docker.Images.InspectImageAsync(ShortId(12));
        Assert.That(resolved.ID, Is.EqualTo(_victimId));
    }

    [OneTimeTearDown]
    public async Task StopListenersAsync() => await _listeners.DisposeAsync();

    [SetUp]
    public void NewMarker() => _marker = Guid.NewGuid().ToString("N");

    private string ShortId(int length) => _victimId["sha256:".Length..][..length];

    /// <summary>A busybox Dockerfile whose every layer after FROM carries this test's marker label, so leftovers are findable.</summary>
    private string Hostile(string steps) => $"FROM {BaseImages.Busybox}\nLABEL {MarkerLabel}={_marker}\n{steps}";

    private string Folder(string name, string dockerfile) => Submission(name, new Dictionary<string, string> { ["Dockerfile"] = dockerfile });

    private async Task AssertHostHealthyAsync()
    {
        using (var child = Process.Start(new ProcessStartInfo("sh", ["-c", "echo forked"]) { RedirectStandardOutput = true })!)
        {
            var output = await child.StandardOutput.ReadToEndAsync();
            await child.WaitForExitAsync();
            Assert.That(output.Trim(), Is.EqualTo("forked"), "the host could not start a process");
        }
        var normal = await Builder.BuildAsync(BuildRequest(Folder("normal", $"FROM {BaseImages.Busybox}\nRUN echo a normal build\n"), "normal"), null, CancellationToken.None);
        Assert.That(normal.Succeeded, Is.True, normal.Log);

        var left = await Docker.Images.ListImagesAsync(new ImagesListParameters
        {
            All = true,
            Filters = new Dictionary<string, IDictionary<string, bool>> { ["label"] = new Dictionary<string, bool> { [$"{MarkerLabel}={_marker}"] = true } },
        });
        Assert.That(left.Select(i => i.ID), Is.Empty, "images or intermediate layers of the hostile build were kept");
        var cgroups = Path.Combine("/sys/fs/cgroup/pids", "grader-build", ImageReuse.SafeName(RunnerId));
        Assert.That(Directory.Exists(cgroups) ? Directory.GetDirectories(cgroups) : [], Is.Empty, "a build cgroup was left");
        Assert.That(await IptablesRulesOfRunnerAsync(), Is.Empty, "a build firewall rule was left");
    }

    private async Task<IReadOnlyList<string>> IptablesRulesOfRunnerAsync()
    {
        var rules = new List<string>();
        foreach (var chain in new[] { "DOCKER-USER", "INPUT" })
        {
            var (_, listing) = await HostIngressGuardRun("-S", chain);
            rules.AddRange(listing.Split('\n').Where(l => l.Contains(RunnerId, StringComparison.Ordinal)));
        }
        return rules;
    }

    private static Task<(int Code, string Output)> HostIngressGuardRun(params string[] arguments) =>
        Grader.Runner.Docker.HostIngressGuard.RunAsync(["-w", "5", .. arguments], CancellationToken.None);

    [Test]
    public async Task BuildAsync_ForkBombInRunStep_StopsAtProcessLimitAndHostStillForks()
    {
        var folder = Folder("forkbomb", Hostile("RUN f(){ f | f & }; f; sleep 8; exit 1\n"));

        var outcome = await Builder.BuildAsync(BuildRequest(folder, "forkbomb", TimeSpan.FromMinutes(3)) with { Pids = 64, Cpus = 1, MemoryBytes = 512L << 20 }, null, CancellationToken.None);

        Assert.Multiple(() =>
        {
            Assert.That(outcome.Succeeded, Is.False);
            Assert.That(outcome.TimedOut, Is.False, outcome.Log);
            Assert.That(outcome.Log, Does.Contain("can't fork").IgnoreCase, "the bomb never met the build's process limit");
            Assert.That(outcome.Error, Does.Contain("at most 64"));
        });
        await AssertHostHealthyAsync();
    }

    [Test]
    public async Task BuildAsync_MemoryBombInRunStep_KilledAtMemoryLimitWithClearMessage()
    {
        var folder = Folder("membomb", Hostile("RUN x=aaaaaaaa; while true; do x=$x$x; done\n"));

        var outcome = await Builder.BuildAsync(BuildRequest(folder, "membomb", TimeSpan.FromMinutes(3)) with { MemoryBytes = 64L << 20, Cpus = 1 }, null, CancellationToken.None);

        Assert.That(outcome.Succeeded, Is.False);
        Assert.That(outcome.Error, Does.Contain("non-zero code: 137").And.Contain("memory limit"));
        await AssertHostHealthyAsync();
    }

    [Test]
    public async Task BuildAsync_DiskFillerInOneStep_StoppedOverDiskBoundAndNothingKept()
    {
        var before = new DriveInfo("/var/lib/docker").AvailableFreeSpace;
        var folder = Folder("diskfill", Hostile("RUN dd if=/dev/zero of=/fill bs=1M count=3000\n"));

        var outcome = await Builder.BuildAsync(BuildRequest(folder, "diskfill", TimeSpan.FromMinutes(5)) with { DiskBytes = 256L << 20 }, null, CancellationToken.None);

        TestContext.Out.WriteLine($"disk bound 256 MiB, poll {BuildDefaults.DiskPollInterval.TotalMilliseconds} ms: {outcome.Error}");
        Assert.Multiple(() =>
        {
            Assert.That(outcome.Succeeded, Is.False);
            Assert.That(outcome.Error, Does.StartWith("The build wrote more than the 268.44 MB"));
            Assert.That(outcome.Log, Does.Not.Contain("3000+0 records out"), "the 3 GB write was not stopped");
        });
        await AssertHostHealthyAsync();
        var after = new DriveInfo("/var/lib/docker").AvailableFreeSpace;
        Assert.That(after, Is.GreaterThan(before - (1L << 30)), "the stopped build's bytes were not given back");
    }

    [Test]
    public async Task BuildAsync_LayersEachUnderDiskBoundTogetherOver_StoppedAndNothingKept()
    {
        var steps = string.Concat(Enumerable.Range(1, 4).Select(i => $"RUN dd if=/dev/zero of=/fill{i} bs=1M count=100\n")) + "RUN echo all-layers-$((6*7))\n";
        var folder = Folder("layers", Hostile(steps));

        var outcome = await Builder.BuildAsync(BuildRequest(folder, "layers", TimeSpan.FromMinutes(5)) with { DiskBytes = 256L << 20 }, null, CancellationToken.None);

        Assert.Multiple(() =>
        {
            Assert.That(outcome.Succeeded, Is.False);
            Assert.That(outcome.Error, Does.StartWith("The build wrote more than"));
            Assert.That(outcome.Log, Does.Not.Contain("all-layers-42"), "the fourth 100 MB layer was not stopped");
        });
        await AssertHostHealthyAsync();
    }

    [Test]
    public async Task BuildAsync_ForgedEngineLinesInOutput_OtherJobsContainerUntouchedAndDiskStillCounted()
    {
        var other = await Docker.Containers.CreateContainerAsync(new CreateContainerParameters
        {
            Image = BaseImages.Busybox,
            Cmd = ["sleep", "600"],
            Labels = DockerLabels.For(RunnerId, "other-job", "test"),
            HostConfig = new HostConfig { NetworkMode = "none" },
        });
        _otherJob = other.ID;
        await Docker.Containers.StartContainerAsync(other.ID, new ContainerStartParameters());
        var baseId = (await Docker.Images.InspectImageAsync(BaseImages.Busybox)).ID["sha256:".Length..][..12];
        // The learner prints what the engine prints, naming another job's container and the base image as if committed.
        var forged = $"echo ' ---> Running in {other.ID[..12]}'; echo ' ---> {baseId}'; ";
        var folder = Folder("forged-lines", Hostile($"RUN {forged}dd if=/dev/zero of=/fill bs=1M count=3000\n"));

        var outcome = await Builder.BuildAsync(BuildRequest(folder, "forged-lines", TimeSpan.FromMinutes(5)) with { DiskBytes = 256L << 20 }, null, CancellationToken.None);

        Assert.That(outcome.Error, Does.StartWith("The build wrote more than"), outcome.Log);
        var survivor = await Docker.Containers.InspectContainerAsync(other.ID);
        Assert.That(survivor.State.Running, Is.True, "the build killed a container it only named");
        await AssertHostHealthyAsync();
    }

    [Test]
    public async Task BuildAsync_NoNetworkMode_ReachesNeitherHostNorMetadataNorPrivateNorPublic()
    {
        var probe = _listeners.ProbeScript(_listeners.AllTargets());
        var control = await RunOnDefaultBridgeAsync(probe);
        Assert.That(control, Does.Contain("HOST=reachable").And.Contain("METADATA=reachable").And.Contain("PRIVATE=reachable").And.Contain("PUBLIC=reachable"),
            "control: without the build's isolation every listener answers");

        var outcome = await Builder.BuildAsync(BuildRequest(Folder("net-none", Hostile($"RUN {probe}\n")), "net-none"), null, CancellationToken.None);

        Assert.That(outcome.Succeeded, Is.True, outcome.Log);
        Assert.That(outcome.Log, Does.Contain("HOST=blocked").And.Contain("METADATA=blocked").And.Contain("PRIVATE=blocked").And.Contain("PUBLIC=blocked"));
        await RemoveTagAsync(outcome.ImageId!);
        await AssertHostHealthyAsync();
    }

    [Test]
    public async Task BuildAsync_EgressMode_ReachesPublicOnlyNotHostMetadataPrivateOrOtherJobs()
    {
        var other = await StartOtherJobListenerAsync();
        var targets = _listeners.AllTargets().Append(("OTHERJOB", other, 8080)).ToArray();
        var probe = _listeners.ProbeScript(targets);
        var control = await RunOnDefaultBridgeAsync(probe);
        Assert.That(control, Does.Contain("HOST=reachable").And.Contain("METADATA=reachable").And.Contain("PRIVATE=reachable").And.Contain("OTHERJOB=reachable"),
            "control: without the guard every listener answers");

        var outcome = await Builder.BuildAsync(BuildRequest(Folder("net-egress", Hostile($"RUN {probe}\n")), "net-egress") with { Network = BuildNetwork.Egress }, null, CancellationToken.None);

        Assert.That(outcome.Succeeded, Is.True, outcome.Log);
        Assert.Multiple(() =>
        {
            Assert.That(outcome.Log, Does.Contain("PUBLIC=reachable"), "egress mode must still reach public addresses (package mirrors)");
            Assert.That(outcome.Log, Does.Contain("HOST=blocked"));
            Assert.That(outcome.Log, Does.Contain("METADATA=blocked"));
            Assert.That(outcome.Log, Does.Contain("PRIVATE=blocked"));
            Assert.That(outcome.Log, Does.Contain("OTHERJOB=blocked"));
        });
        await RemoveTagAsync(outcome.ImageId!);
        await AssertHostHealthyAsync();
    }

    private static readonly string[] ReferenceAttacks =
    [
        "FROM {short12}\nRUN cat /secret.txt\n",
        "FROM {short6}\nRUN cat /secret.txt\n",
        "FROM {full}\nRUN cat /secret.txt\n",
        "FROM sha256:{full}\nRUN cat /secret.txt\n",
        "FROM {jobtag}\nRUN cat /secret.txt\n",
        "FROM docker.io/{jobtag}\nRUN cat /secret.txt\n",
        "FROM {reusetag}\nRUN cat /secret.txt\n",
        "ARG VICTIM={short12}\nFROM $VICTIM\nRUN cat /secret.txt\n",
        "ARG NS=grader-job\nFROM ${NS}/{runner}:victim\nRUN cat /secret.txt\n",
        "FROM grader/busybox:1\nCOPY --from={short12} /secret.txt /stolen.txt\nRUN cat /stolen.txt\n",
        "FROM grader/busybox:1\nCOPY --from=sha256:{full} /secret.txt /stolen.txt\nRUN cat /stolen.txt\n",
        "FROM grader/busybox:1\nCOPY --from={jobtag} /secret.txt /stolen.txt\nRUN cat /stolen.txt\n",
        "FROM grader/busybox:1\nCOPY --from=1 /secret.txt /stolen.txt\n",
        "FROM grader/busybox:1\nRUN <<EOF\nFROM {short12}\nEOF\nRUN cat /secret.txt\n",
        "# escape=`\nFROM grader/busybox:1\nRUN echo \\\nFROM {short12}\nRUN cat /secret.txt\n",
        "FROM grader/busybox:1 AS trap\nONBUILD COPY --from={short12} /secret.txt /stolen.txt\nFROM trap\nRUN cat /stolen.txt\n",
    ];

    [TestCaseSource(nameof(ReferenceAttacks))]
    public async Task BuildAsync_ReferenceToAnotherJobsImage_RefusedAtItsLineAndNothingLeaks(string template)
    {
        var dockerfile = template
            .Replace("{short12}", ShortId(12), StringComparison.Ordinal)
            .Replace("{short6}", ShortId(6), StringComparison.Ordinal)
            .Replace("{full}", _victimId["sha256:".Length..], StringComparison.Ordinal)
            .Replace("{jobtag}", _victimJobTag, StringComparison.Ordinal)
            .Replace("{reusetag}", _victimReuseTag, StringComparison.Ordinal)
            .Replace("{runner}", ImageReuse.SafeName(RunnerId), StringComparison.Ordinal);

        var outcome = await Builder.BuildAsync(BuildRequest(Folder("steal", dockerfile), "steal"), null, CancellationToken.None);

        Assert.Multiple(() =>
        {
            Assert.That(outcome.Succeeded, Is.False);
            Assert.That(outcome.Error, Does.Match(@"Dockerfile:\d+: "), "the refusal names the line");
            Assert.That(outcome.Log, Does.Not.Contain(_victimSecret));
            Assert.That(outcome.Log, Does.Not.Contain("Step 1/"), "the engine must never start such a build");
        });
        await AssertHostHealthyAsync();
    }

    [Test]
    public async Task BuildAsync_AddFromUrl_RefusedBeforeTheEngineFetchesIt()
    {
        var dockerfile = $"FROM {BaseImages.Busybox}\nADD http://{ProbeListeners.Metadata}/latest/meta-data/ /metadata\n";

        var outcome = await Builder.BuildAsync(BuildRequest(Folder("add-url", dockerfile), "add-url"), null, CancellationToken.None);

        Assert.That(outcome.Succeeded, Is.False);
        Assert.That(outcome.Error, Does.Contain("Dockerfile:2: ADD").And.Contain("download"));
        Assert.That(outcome.Log, Does.Not.Contain("Step 1/"));
        await AssertHostHealthyAsync();
    }

    private async Task RemoveTagAsync(string imageId) =>
        await Docker.Images.DeleteImageAsync(imageId, new ImageDeleteParameters { Force = true });

    /// <summary>Another job's server: busybox httpd on the default bridge, labelled with this fixture's runner id. Returns its address.</summary>
    private async Task<string> StartOtherJobListenerAsync()
    {
        var created = await Docker.Containers.CreateContainerAsync(new CreateContainerParameters
        {
            Image = BaseImages.Busybox,
            Cmd = ["sh", "-c", "mkdir -p /tmp/w && echo other-job > /tmp/w/index.html && exec httpd -f -p 8080 -h /tmp/w"],
            Labels = DockerLabels.For(RunnerId, "other-job", "test"),
            HostConfig = new HostConfig { NetworkMode = "bridge", AutoRemove = false },
        });
        await Docker.Containers.StartContainerAsync(created.ID, new ContainerStartParameters());
        _otherJob = created.ID;
        var inspected = await Docker.Containers.InspectContainerAsync(created.ID);
        return inspected.NetworkSettings.Networks["bridge"].IPAddress;
    }

    private string? _otherJob;

    [TearDown]
    public async Task StopOtherJobAsync()
    {
        if (_otherJob is null) return;
        await Docker.Containers.RemoveContainerAsync(_otherJob, new ContainerRemoveParameters { Force = true });
        _otherJob = null;
    }

    /// <summary>Runs a probe in an ordinary container on the default bridge (no guard): the control for the network tests.</summary>
    private async Task<string> RunOnDefaultBridgeAsync(string script)
    {
        var created = await Docker.Containers.CreateContainerAsync(new CreateContainerParameters
        {
            Image = BaseImages.Busybox,
            Cmd = ["sh", "-c", script],
            Labels = DockerLabels.For(RunnerId, "control", "test"),
            HostConfig = new HostConfig { NetworkMode = "bridge" },
        });
        try
        {
            await Docker.Containers.StartContainerAsync(created.ID, new ContainerStartParameters());
            using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
            await Docker.Containers.WaitContainerAsync(created.ID, timeout.Token);
            using var logs = await Docker.Containers.GetContainerLogsAsync(created.ID, tty: false, new ContainerLogsParameters { ShowStdout = true, ShowStderr = true }, timeout.Token);
            var (stdout, stderr) = await logs.ReadOutputToEndAsync(timeout.Token);
            return new StringBuilder(stdout).Append(stderr).ToString();
        }
        finally
        {
            await Docker.Containers.RemoveContainerAsync(created.ID, new ContainerRemoveParameters { Force = true });
        }
    }
}
