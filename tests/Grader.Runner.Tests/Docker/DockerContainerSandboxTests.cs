using Docker.DotNet.Models;
using Grader.Runner.Docker;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Grader.Runner.Tests.Docker;

public class DockerContainerSandboxTests : DockerTestBase
{
    private SandboxRunRequest Request(string script, string job = "sandbox") => new()
    {
        Image = "grader/busybox:1",
        Command = ["/bin/sh", "-c", script],
        Labels = DockerLabels.For(RunnerId, job, "test"),
        Limits = SmallLimits(),
        Timeout = TimeSpan.FromSeconds(20),
    };

    [Test]
    public async Task RunAsync_Command_ReturnsExitCodeAndInterleavedOutput()
    {
        var result = await Sandbox.RunAsync(Request("echo out; echo err >&2; exit 42") with
        {
            Environment = new Dictionary<string, string> { ["GREETING"] = "hi" },
        }, CancellationToken.None);

        Assert.Multiple(() =>
        {
            Assert.That(result.ExitCode, Is.EqualTo(42));
            Assert.That(result.Output, Does.Contain("out").And.Contain("err"));
            Assert.That(result.TimedOut, Is.False);
            Assert.That(result.OomKilled, Is.False);
        });
    }

    [Test]
    public async Task RunAsync_CpusetGiven_ProcessMayRunOnlyOnThoseCpus()
    {
        var last = (Environment.ProcessorCount - 1).ToString(System.Globalization.CultureInfo.InvariantCulture);

        var result = await Sandbox.RunAsync(Request("grep Cpus_allowed_list /proc/self/status") with { CpusetCpus = last }, CancellationToken.None);

        Assert.That(result.Output, Does.Match(@"Cpus_allowed_list:\s+" + last + @"\s*$"));
    }

    [Test]
    public async Task RunAsync_WorkingDirectoryAndEnvironment_Applied()
    {
        var result = await Sandbox.RunAsync(Request("pwd; echo $GREETING") with
        {
            WorkingDirectory = "/tmp",
            Environment = new Dictionary<string, string> { ["GREETING"] = "hello-env" },
        }, CancellationToken.None);

        Assert.That(result.Output, Does.Contain("/tmp").And.Contain("hello-env"));
    }

    [Test]
    public async Task RunAsync_CopyOutPathInWritableFolder_ExtractedAfterTheContainerStopped()
    {
        var destination = Path.Combine(Scratch, "out-" + Guid.NewGuid().ToString("N")[..8]);

        var result = await Sandbox.RunAsync(Request("mkdir -p /grader/results/sub && echo report > /grader/results/sub/r.xml") with
        {
            WritablePaths = ["/grader/results"],
            CopyOutPath = "/grader/results",
            CopyOutDestination = destination,
        }, CancellationToken.None);

        Assert.That(result.CopyOutError, Is.Null);
        Assert.That(File.ReadAllText(Path.Combine(result.CopiedOut!, "sub", "r.xml")), Is.EqualTo("report\n"));
    }

    [Test]
    public async Task RunAsync_CopyOutMissingPathInImage_ReportsError()
    {
        var result = await Sandbox.RunAsync(Request("true") with
        {
            CopyOutPath = "/nothing/here",
            CopyOutDestination = Path.Combine(Scratch, "missing-" + Guid.NewGuid().ToString("N")[..8]),
        }, CancellationToken.None);

        Assert.That(result.CopyOutError, Does.Contain("nothing was written to /nothing/here"));
    }

    [Test]
    public async Task RunAsync_CallerCancels_ContainerRemoved()
    {
        using var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(3));

        Assert.CatchAsync<OperationCanceledException>(() => Sandbox.RunAsync(Request("sleep 60", "cancelled"), cancel.Token));

        var left = await Docker.Containers.ListContainersAsync(new ContainersListParameters { All = true, Filters = RunnerFilter() });
        Assert.That(left, Is.Empty);
    }

    [Test]
    public void RunAsync_EngineUnreachable_ThrowsInfrastructureException()
    {
        using var nowhere = DockerClientFactory.Create(new DockerEngineOptions { Endpoint = new Uri("unix:///tmp/no-such-docker-" + Guid.NewGuid().ToString("N") + ".sock") });
        var sandbox = new DockerContainerSandbox(nowhere, Options.Create(new SandboxOptions()), NullLogger<DockerContainerSandbox>.Instance);

        Assert.ThrowsAsync<GraderInfrastructureException>(() => sandbox.RunAsync(Request("true"), CancellationToken.None));
    }

    [Test]
    public async Task RunAsync_AnyRun_NoCoreDumpsAndBoundedFilesAndProcesses()
    {
        var result = await Sandbox.RunAsync(Request("cat /proc/self/limits"), CancellationToken.None);

        Assert.Multiple(() =>
        {
            Assert.That(result.Output, Does.Match(@"Max core file size\s+0\s+0\s"));
            Assert.That(result.Output, Does.Match(@"Max open files\s+4096\s+4096\s"));
            Assert.That(result.Output, Does.Match(@"Max processes\s+1024\s+1024\s"));
        });
    }

    [Test]
    public async Task RunAsync_ProcessCrashes_NoCoreFileWritten()
    {
        // A crash with a core limit of 0 leaves nothing: no core file anywhere the run can write.
        var result = await Sandbox.RunAsync(Request("cd /tmp && sh -c 'kill -SEGV $$'; echo crashed=$?; ls -a /tmp /grader/results") with
        {
            WritablePaths = ["/grader/results"],
        }, CancellationToken.None);

        Assert.Multiple(() =>
        {
            Assert.That(result.Output, Does.Contain("crashed=139"));
            Assert.That(result.Output, Does.Not.Contain("core"));
        });
    }

    [TestCase("ln -s /etc/passwd /grader/results/junit.xml", "is a symbolic link, not a regular file")]
    [TestCase("mkfifo /grader/results/junit.xml", "is a fifo, socket or device, not a regular file")]
    [TestCase("mkdir /grader/results/junit.xml && echo x > /grader/results/junit.xml/a.xml", "is a folder, not a file")]
    [TestCase("dd if=/dev/zero of=/grader/results/junit.xml bs=1k seek=2048 count=0", "is 2.1 MB, larger than the 1.05 MB the grader reads")]
    public async Task RunAsync_CopyOutRegularFileOnlyGivenSomethingElse_RefusedFromTheStat(string script, string error)
    {
        var destination = Path.Combine(Scratch, "refused-" + Guid.NewGuid().ToString("N")[..8]);

        var result = await Sandbox.RunAsync(Request(script) with
        {
            WritablePaths = ["/grader/results"],
            CopyOutPath = "/grader/results/junit.xml",
            CopyOutDestination = destination,
            CopyOutRegularFileOnly = true,
            MaxCopyOutBytes = 1L << 20,
        }, CancellationToken.None);

        Assert.Multiple(() =>
        {
            Assert.That(result.CopiedOut, Is.Null);
            Assert.That(result.CopyOutError, Is.EqualTo($"/grader/results/junit.xml {error}"));
            Assert.That(Directory.Exists(destination) && Directory.EnumerateFileSystemEntries(destination).Any(), Is.False, "nothing was extracted");
        });
    }

    [Test]
    public async Task RunAsync_CopyOutRegularFileOnlyGivenTheFile_CopiedOut()
    {
        var result = await Sandbox.RunAsync(Request("echo '<testsuite/>' > /grader/results/junit.xml; echo forged > /grader/results/other.xml") with
        {
            WritablePaths = ["/grader/results"],
            CopyOutPath = "/grader/results/junit.xml",
            CopyOutDestination = Path.Combine(Scratch, "file-" + Guid.NewGuid().ToString("N")[..8]),
            CopyOutRegularFileOnly = true,
        }, CancellationToken.None);

        Assert.Multiple(() =>
        {
            Assert.That(result.CopyOutError, Is.Null);
            Assert.That(File.ReadAllText(result.CopiedOut!), Is.EqualTo("<testsuite/>\n"));
            Assert.That(Directory.EnumerateFileSystemEntries(Path.GetDirectoryName(result.CopiedOut!)!).Select(Path.GetFileName), Is.EqualTo(new[] { "junit.xml" }));
        });
    }

    [Test]
    public async Task RunAsync_CopyInOverTheLimit_RefusedBeforeAnyContainerStarts()
    {
        var folder = Directory.CreateDirectory(Path.Combine(Scratch, "big-" + Guid.NewGuid().ToString("N")[..8])).FullName;
        using (var file = File.Create(Path.Combine(folder, "weights.bin"))) file.SetLength(2L << 20);
        var sandbox = new DockerContainerSandbox(Docker, Options.Create(new SandboxOptions { MaxCopyInBytes = 1L << 20 }), NullLogger<DockerContainerSandbox>.Instance);

        var error = Assert.ThrowsAsync<SandboxCopyInTooLargeException>(() => sandbox.RunAsync(Request("true") with
        {
            CopyIn = [new SandboxCopyIn(folder, "/grader/submission")],
        }, CancellationToken.None));

        Assert.That(error!.CopyIn.ContainerPath, Is.EqualTo("/grader/submission"));
        var created = await Docker.Containers.ListContainersAsync(new ContainersListParameters { All = true, Filters = RunnerFilter() });
        Assert.That(created, Is.Empty);
    }

    [Test]
    public async Task RunAsync_NetworkNamed_JoinsOnlyThatNetwork()
    {
        var network = await Docker.Networks.CreateNetworkAsync(new NetworksCreateParameters
        {
            Name = "grader-test-" + Guid.NewGuid().ToString("N")[..12],
            Internal = true,
            Labels = DockerLabels.For(RunnerId, "network", "service-network"),
        });
        try
        {
            var result = await Sandbox.RunAsync(Request("ls /sys/class/net") with { Network = network.ID }, CancellationToken.None);

            Assert.That(result.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries), Is.EqualTo(new[] { "eth0", "lo" }));
        }
        finally
        {
            await Docker.Networks.DeleteNetworkAsync(network.ID);
        }
    }
}
