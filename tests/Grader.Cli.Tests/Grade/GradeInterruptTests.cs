using System.Diagnostics;
using Docker.DotNet.Models;
using Grader.Cli.Commands;
using Grader.Cli.Tests.Support;
using Grader.Runner.Docker;

namespace Grader.Cli.Tests.Grade;

/// <summary>
/// The built <c>grader grade</c> as a child process, interrupted (SIGINT, SIGTERM) while the learner's tests hang:
/// it must remove what the job created on the engine before it exits, not leave a test container running.
/// </summary>
[TestFixture]
[Category("Integration")]
public sealed class GradeInterruptTests
{
    private string _root = null!;
    private string _runnerId = null!;

    [SetUp]
    public void SetUp()
    {
        _root = Directory.CreateTempSubdirectory("grader-cli-interrupt-").FullName;
        _runnerId = "test-cli-int-" + Guid.NewGuid().ToString("n")[..8];
    }

    [TearDown]
    public async Task TearDown()
    {
        using var docker = DockerClientFactory.Create();
        await new Grader.Runner.Docker.JobJanitor(docker, Microsoft.Extensions.Logging.Abstractions.NullLogger<Grader.Runner.Docker.JobJanitor>.Instance)
            .SweepAsync(_runnerId, includeReusableImages: true, CancellationToken.None);
        Directory.Delete(_root, recursive: true);
    }

    [TestCase("INT")]
    [TestCase("TERM")]
    public async Task Grade_InterruptedWhileTestsHang_RemovesTheJobsContainersVolumesAndTagsBeforeExiting(string signal)
    {
        var rubric = Path.Combine(_root, "rubric.yaml");
        await File.WriteAllTextAsync(rubric, """
            module: { id: INT-1, title: Interrupted }
            competencies:
              testing: { name: Testing, level: Working }
            criteria:
              - id: build
                title: Builds
                points: 50
                check: { build: {} }
              - id: tests
                title: Tests
                points: 50
                check: { tests: { command: ["/bin/sh", "-c", "sleep 600"], report: exit_code, timeout: 10m } }
            """);
        var submission = Directory.CreateDirectory(Path.Combine(_root, "submission")).FullName;
        await File.WriteAllTextAsync(Path.Combine(submission, "Dockerfile"), "FROM grader/busybox:1\nCOPY . /app\n");

        // A test run started in the background (CI) inherits SIGINT ignored, and .NET keeps an inherited "ignore":
        // env restores the default disposition, as a terminal's Ctrl-C would find it.
        var start = new ProcessStartInfo("env") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in new[] { "--default-signal=INT,TERM", "dotnet", GraderBinary.DllPath, "grade", "--rubric", rubric, submission, "--out", Path.Combine(_root, "out") })
            start.ArgumentList.Add(argument);
        start.Environment["Grader__Runner__RunnerId"] = _runnerId;
        start.Environment["Grader__Runner__WorkRoot"] = Path.Combine(_root, "work");
        start.Environment["Grader__Runner__MirrorCache"] = Path.Combine(_root, "mirrors");
        using var process = Process.Start(start)!;
        try
        {
            await InterruptAndCheckAsync(process, signal);
        }
        finally
        {
            // Whatever failed above, the grader must not outlive the test.
            if (!process.HasExited) process.Kill(entireProcessTree: true);
        }
    }

    private async Task InterruptAndCheckAsync(Process process, string signal)
    {
        var stderr = process.StandardError.ReadToEndAsync();
        using var docker = DockerClientFactory.Create();
        using var deadline = new CancellationTokenSource(TimeSpan.FromMinutes(3));

        // The progress lines say when the tests start; then the test container is up, sleeping.
        var output = new System.Text.StringBuilder();
        while (await process.StandardOutput.ReadLineAsync(deadline.Token) is { } line)
        {
            output.AppendLine(line);
            if (line.Contains("tests: running", StringComparison.Ordinal)) break;
        }
        await WaitUntilAsync(async () => (await RunningTestContainersAsync(docker)).Count > 0, deadline.Token);

        using (var kill = Process.Start("kill", ["-" + signal, process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
        {
            await kill.WaitForExitAsync(deadline.Token);
            Assert.That(kill.ExitCode, Is.Zero, "the signal was sent");
        }
        output.Append(await process.StandardOutput.ReadToEndAsync(deadline.Token));
        await process.WaitForExitAsync(deadline.Token);

        var left = await LeftoversAsync(docker);
        Assert.Multiple(() =>
        {
            Assert.That(process.ExitCode, Is.EqualTo(GradeExitCodes.IncompleteOrUsage), output.ToString() + stderr.Result);
            Assert.That(output.ToString(), Does.Contain("Cancelled; the job's containers and images were removed."));
            Assert.That(left, Is.Empty, "nothing of the job is left on the engine");
        });
    }

    private async Task<IList<ContainerListResponse>> RunningTestContainersAsync(Docker.DotNet.IDockerClient docker) =>
        await docker.Containers.ListContainersAsync(new ContainersListParameters
        {
            Filters = new Dictionary<string, IDictionary<string, bool>>
            {
                ["label"] = new Dictionary<string, bool> { [$"{DockerLabels.RunnerId}={_runnerId}"] = true, [$"{DockerLabels.Role}=test"] = true },
                ["status"] = new Dictionary<string, bool> { ["running"] = true },
            },
        });

    private async Task<List<string>> LeftoversAsync(Docker.DotNet.IDockerClient docker)
    {
        var label = new Dictionary<string, IDictionary<string, bool>> { ["label"] = new Dictionary<string, bool> { [$"{DockerLabels.RunnerId}={_runnerId}"] = true } };
        var containers = await docker.Containers.ListContainersAsync(new ContainersListParameters { All = true, Filters = label });
        var volumes = await docker.Volumes.ListAsync(new VolumesListParameters { Filters = label });
        var images = await docker.Images.ListImagesAsync(new ImagesListParameters { All = true });
        return
        [
            .. containers.Select(c => "container " + c.ID[..12]),
            .. (volumes.Volumes ?? []).Select(v => "volume " + v.Name),
            // The reuse tag (grader-reuse/...) is kept on purpose: the next grading of the same files skips the build.
            .. images.SelectMany(i => i.RepoTags ?? [])
                .Where(t => t.Contains(_runnerId, StringComparison.Ordinal) && !t.StartsWith("grader-reuse/", StringComparison.Ordinal))
                .Select(t => "image tag " + t),
        ];
    }

    /// <summary>Polls a condition of the engine (it has no event for "container running" worth the plumbing here).</summary>
    private static async Task WaitUntilAsync(Func<Task<bool>> condition, CancellationToken cancellationToken)
    {
        while (!await condition()) await Task.Delay(100, cancellationToken);
    }
}
