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
}
