using Docker.DotNet;
using Grader.Rubrics.Model;
using Grader.Rubrics.Results;
using Grader.Runner.Checks;
using Grader.Runner.Testing;
using Grader.Runner.Tests.Docker;
using Microsoft.Extensions.Logging.Abstractions;

namespace Grader.Runner.Tests.Hostile;

/// <summary>
/// Hostile submissions built and run through the real builder, sandbox and executors. Each ends with a
/// clear outcome within its limit, leaves nothing of this runner behind (checked after every test by the
/// base class), and a normal submission still grades normally on the same engine afterwards.
/// </summary>
[Category("Hostile")]
[Category("Docker")]
public class HostileSubmissionTests : DockerTestBase
{
    private const string Busybox = "FROM grader/busybox:1\n";
    private const string WriteJUnit = "printf '<testsuite><testcase name=\"ok\"/></testsuite>' > /grader/results/junit.xml";

    private TestsCheckExecutor _tests = null!;
    private GradingContext _normal = null!;

    [OneTimeSetUp]
    public async Task BuildNormalSubmissionAsync()
    {
        _tests = new TestsCheckExecutor(Sandbox, NullLogger<TestsCheckExecutor>.Instance);
        var check = Shell(WriteJUnit);
        _normal = await BuildContextAsync(Submission("normal", new Dictionary<string, string> { ["Dockerfile"] = Busybox }), TestRubrics.With(check, SmallLimits()), "normal");
        Assert.That(_normal.Image, Is.Not.Null, _normal.Build?.Log);
    }

    private static TestsCheck Shell(string script, TimeSpan? timeout = null, TestReportFormat report = TestReportFormat.JUnit) => new()
    {
        Command = ["/bin/sh", "-c", script],
        Timeout = timeout ?? TimeSpan.FromSeconds(20),
        Report = report,
    };

    private async Task<(CheckResult Result, GradingContext Context)> GradeAsync(string name, string dockerfile, TestsCheck check, SandboxLimits? limits = null, Dictionary<string, string>? files = null)
    {
        files ??= [];
        files["Dockerfile"] = dockerfile;
        var context = await BuildContextAsync(Submission(name, files), TestRubrics.With(check, limits ?? SmallLimits()), name);
        Assert.That(context.Image, Is.Not.Null, context.Build?.Log);
        var result = await _tests.ExecuteAsync(TestRubrics.Criterion(check), context, CancellationToken.None);
        return (result, context);
    }

    private async Task AssertNormalSubmissionGradesAsync()
    {
        var result = await _tests.ExecuteAsync(TestRubrics.Criterion(_normal.Rubric.Criteria[0].Check), _normal, CancellationToken.None);
        Assert.That(result.Status, Is.EqualTo(CheckStatus.Passed), result.Message);
    }

    private static string Output(CheckResult result) => string.Join("\n", result.Logs.Select(l => l.Text));

    [Test]
    public async Task ForkBomb_PidsLimited_KilledAtTimeoutAndEngineStillWorks()
    {
        // The bomb starts in one backgrounded subshell, a single fork made before any pressure (a backgrounded pipeline
        // `f | f &` would be forked element by element by the main shell, which exits when the bomb reaches the pids
        // limit between its two forks). The outer loop is a shell builtin: it needs no fork, so the container lives
        // to its timeout however the bomb went.
        var (result, _) = await GradeAsync("forkbomb", Busybox, Shell("(f(){ f | f & }; f) & while :; do :; done", TimeSpan.FromSeconds(6)), SmallLimits(pids: 32));

        Assert.That(result.Status, Is.EqualTo(CheckStatus.Failed));
        Assert.That(result.Message, Is.EqualTo("The tests did not finish within 6s; the container was killed."), Output(result));
        await AssertNormalSubmissionGradesAsync();
    }

    [Test]
    public async Task MemoryBomb_OverMemoryLimit_ReportedAsOutOfMemory()
    {
        var (result, _) = await GradeAsync("membomb", Busybox, Shell("x=aaaaaaaa; while true; do x=$x$x; done"), SmallLimits(memoryMiB: 48));

        Assert.That(result.Status, Is.EqualTo(CheckStatus.Failed));
        Assert.That(result.Message, Does.Contain("ran out of memory"));
        await AssertNormalSubmissionGradesAsync();
    }

    [Test]
    public async Task InfiniteLoop_PastTimeout_KilledWithClearMessage()
    {
        var (result, _) = await GradeAsync("loop", Busybox, Shell("while :; do :; done", TimeSpan.FromSeconds(5)));

        Assert.That(result.Message, Is.EqualTo("The tests did not finish within 5s; the container was killed."));
        Assert.That(result.Duration, Is.LessThan(TimeSpan.FromSeconds(15)));
    }

    [Test]
    public async Task IgnoresSigterm_PastTimeout_StillKilled()
    {
        var (result, _) = await GradeAsync("noterm", Busybox, Shell("trap '' TERM INT; while :; do sleep 1; done", TimeSpan.FromSeconds(5)));

        Assert.That(result.Status, Is.EqualTo(CheckStatus.Failed));
        Assert.That(result.Message, Does.Contain("the container was killed"));
        Assert.That(result.Duration, Is.LessThan(TimeSpan.FromSeconds(15)));
    }

    [Test]
    public async Task DiskFillerInTmp_TmpfsFull_WriteFailsAndRunContinues()
    {
        var (result, _) = await GradeAsync("tmpfill", Busybox,
            Shell("dd if=/dev/zero of=/tmp/fill bs=1M count=100 2>&1; ls -l /tmp/fill; " + WriteJUnit), SmallLimits(tmpMiB: 8));

        Assert.That(result.Status, Is.EqualTo(CheckStatus.Passed), result.Message);
        await AssertNormalSubmissionGradesAsync();
    }

    [Test]
    public async Task DiskFillerInTmp_TmpfsFull_OutputShowsNoSpace()
    {
        var (result, _) = await GradeAsync("tmpfill2", Busybox,
            Shell("dd if=/dev/zero of=/tmp/fill bs=1M count=100 2>&1; exit 3"), SmallLimits(tmpMiB: 8));

        Assert.That(Output(result), Does.Contain("No space left on device"));
    }

    [Test]
    public async Task DiskFillerInImagePaths_ReadOnlyRoot_WriteRefused()
    {
        var (result, _) = await GradeAsync("rootfill", Busybox + "RUN mkdir -p /app && chmod 777 /app\n",
            Shell("dd if=/dev/zero of=/app/fill bs=1M count=10 2>&1; exit 4"));

        Assert.That(Output(result), Does.Contain("Read-only file system"));
        Assert.That(result.Message, Does.Contain("JUnit report could not be used"));
    }

    [Test]
    public async Task OutputFlood_ManyMegabytes_TruncatedAndBounded()
    {
        var (result, _) = await GradeAsync("flood", Busybox, Shell("yes 'flood flood flood' | head -c 8000000; " + WriteJUnit), SmallLimits(outputKiB: 64));

        Assert.That(result.Status, Is.EqualTo(CheckStatus.Passed), result.Message);
        var run = await Sandbox.RunAsync(new Grader.Runner.Docker.SandboxRunRequest
        {
            Image = "grader/busybox:1",
            Command = ["/bin/sh", "-c", "yes 'flood flood flood' | head -c 8000000"],
            Labels = Grader.Runner.Docker.DockerLabels.For(RunnerId, "flood", "test"),
            Limits = SmallLimits(outputKiB: 64),
            Timeout = TimeSpan.FromSeconds(30),
        }, CancellationToken.None);
        Assert.Multiple(() =>
        {
            Assert.That(run.OutputTruncated, Is.True);
            Assert.That(run.Output.Length, Is.LessThan(70_000));
            Assert.That(run.Output, Does.Contain("bytes of output omitted"));
            Assert.That(run.ExitCode, Is.EqualTo(0));
        });
    }

    [Test]
    public async Task NetworkAccess_NoNetwork_ConnectionFails()
    {
        var (result, _) = await GradeAsync("network", Busybox,
            Shell("if nc -w 3 172.17.0.1 80 </dev/null 2>&1; then echo NET-REACHED; else echo NET-FAILED; fi; cat /proc/net/dev; exit 5"));

        // busybox's wget crashes on this engine, so nc shows the cause: no route at all, not a refused port.
        Assert.That(Output(result), Does.Contain("Network is unreachable").And.Contain("NET-FAILED").And.Not.Contain("NET-REACHED").And.Not.Contain("eth0"));
    }

    [Test]
    public async Task HiddenTests_DuringBuild_NotReachableAndReadOnlyAtTestTime()
    {
        var hidden = Directory.CreateDirectory(Path.Combine(Scratch, "hidden-" + Guid.NewGuid().ToString("N")[..8])).FullName;
        File.WriteAllText(Path.Combine(hidden, "test_secret.txt"), "HIDDEN-MARKER-7731");
        var check = Shell("cat /grader/hidden/test_secret.txt; echo x > /grader/hidden/new 2>&1 || echo HIDDEN-READ-ONLY; " + WriteJUnit) with
        {
            Hidden = new HiddenTestsSpec(hidden, null, null, null),
        };
        var dockerfile = Busybox + "RUN cat /grader/hidden/test_secret.txt 2>&1; find / -name 'test_secret*' 2>/dev/null; ls -a / ; echo BUILD-DONE\n" +
            "RUN mkdir -p /grader/hidden && echo FORGED > /grader/hidden/test_secret.txt\n";

        var (result, context) = await GradeAsync("hidden", dockerfile, check);

        Assert.Multiple(() =>
        {
            Assert.That(context.Build!.Log, Does.Contain("BUILD-DONE").And.Not.Contain("HIDDEN-MARKER-7731"));
            Assert.That(result.Status, Is.EqualTo(CheckStatus.Passed), result.Message);
            Assert.That(Output(result), Is.Empty, "a passed check carries no logs");
        });
        var run = await Sandbox.RunAsync(new Grader.Runner.Docker.SandboxRunRequest
        {
            Image = context.Image!.Id,
            Command = ["/bin/sh", "-c", "cat /grader/hidden/test_secret.txt; echo x > /grader/hidden/new 2>&1 || echo HIDDEN-READ-ONLY"],
            Labels = context.LabelsFor("test"),
            Limits = SmallLimits(),
            Timeout = TimeSpan.FromSeconds(20),
            CopyIn = [new Grader.Runner.Docker.SandboxCopyIn(hidden, "/grader/hidden")],
        }, CancellationToken.None);
        Assert.That(run.Output, Does.Contain("HIDDEN-MARKER-7731").And.Contain("HIDDEN-READ-ONLY").And.Not.Contain("FORGED"));
    }

    [Test]
    public async Task SymlinkOutsideContext_ArchivedAsLink_HostFileNeverInImage()
    {
        var secret = Path.Combine(Scratch, "host-secret-" + Guid.NewGuid().ToString("N")[..8]);
        File.WriteAllText(secret, "HOST-SECRET-4242");
        var submission = Submission("symlink", new Dictionary<string, string>
        {
            ["Dockerfile"] = Busybox + "COPY . /ctx\nRUN cat /ctx/leak 2>&1; ls -l /ctx; echo BUILD-END\n",
        });
        File.CreateSymbolicLink(Path.Combine(submission, "leak"), secret);

        var build = await Builder.BuildAsync(BuildRequest(submission, "symlink"), null, CancellationToken.None);
        Assert.That(build.Succeeded, Is.True, build.Log);
        var run = await Sandbox.RunAsync(new Grader.Runner.Docker.SandboxRunRequest
        {
            Image = build.ImageId!,
            Command = ["/bin/sh", "-c", "cat /ctx/leak 2>&1; readlink /ctx/leak; grep -rs HOST-SECRET /ctx /etc /tmp | head -1; true"],
            Labels = Grader.Runner.Docker.DockerLabels.For(RunnerId, "symlink", "test"),
            Limits = SmallLimits(),
            Timeout = TimeSpan.FromSeconds(20),
        }, CancellationToken.None);

        Assert.Multiple(() =>
        {
            Assert.That(build.Log, Does.Contain("BUILD-END").And.Not.Contain("HOST-SECRET-4242"));
            Assert.That(run.Output, Does.Contain(secret), "the link itself is in the image");
            Assert.That(run.Output, Does.Not.Contain("HOST-SECRET-4242"));
        });
    }

    [Test]
    public async Task EnormousBuildContext_OverLimit_RefusedWithMessage()
    {
        var submission = Submission("huge-context", new Dictionary<string, string> { ["Dockerfile"] = Busybox });
        using (var weights = File.Create(Path.Combine(submission, "weights.bin"))) weights.SetLength(3L << 30);

        var build = await Builder.BuildAsync(BuildRequest(submission, "huge", maxContextBytes: 8L << 20), null, CancellationToken.None);

        Assert.Multiple(() =>
        {
            Assert.That(build.Succeeded, Is.False);
            Assert.That(build.Error, Does.Contain("larger than 8.39 MB").And.Contain(".dockerignore"));
            Assert.That(build.Duration, Is.LessThan(TimeSpan.FromSeconds(10)));
        });
    }

    [Test]
    public async Task BuildNeverEnds_PastTimeout_StoppedAndStepContainerGone()
    {
        var submission = Submission("endless-build", new Dictionary<string, string> { ["Dockerfile"] = Busybox + "RUN echo started-" + Guid.NewGuid().ToString("N") + " && sleep 600\n" });

        var build = await Builder.BuildAsync(BuildRequest(submission, "endless", TimeSpan.FromSeconds(6)), null, CancellationToken.None);

        Assert.That(build.TimedOut, Is.True);
        Assert.That(build.Error, Does.Contain("did not finish within 6s"));
        var stepContainer = System.Text.RegularExpressions.Regex.Match(build.Log, "Running in ([0-9a-f]+)").Groups[1].Value;
        Assert.That(stepContainer, Is.Not.Empty, build.Log);
        Assert.ThrowsAsync<DockerContainerNotFoundException>(() => Docker.Containers.InspectContainerAsync(stepContainer));
        await AssertNormalSubmissionGradesAsync();
    }

    [Test]
    public async Task ForgedJUnitBakedIntoImage_IsIgnored()
    {
        var dockerfile = Busybox + "RUN mkdir -p /grader/results && printf '<testsuite><testcase name=\"forged\"/></testsuite>' > /grader/results/junit.xml\n";

        var (result, _) = await GradeAsync("forged", dockerfile, Shell("ls /grader/results; exit 1"));

        Assert.Multiple(() =>
        {
            Assert.That(result.Status, Is.EqualTo(CheckStatus.Failed));
            Assert.That(result.Message, Does.Contain("nothing was written to /grader/results/junit.xml"));
            Assert.That(result.Values["passed"], Is.EqualTo("0"));
        });
    }

    [Test]
    public async Task HugeJUnitFile_HundredsOfMegabytes_ClearErrorWithoutReadingIt()
    {
        var (result, _) = await GradeAsync("huge-junit", Busybox,
            Shell("dd if=/dev/zero of=/grader/results/junit.xml bs=1M seek=300 count=0 2>&1; ls -l /grader/results"),
            SmallLimits(tmpMiB: 512));

        Assert.That(result.Status, Is.EqualTo(CheckStatus.Failed));
        Assert.That(result.Message, Does.Contain("JUnit report could not be used").And.Contain("larger than"));
    }

    [Test]
    public async Task MarkupInTestNames_KeptRawAndBounded()
    {
        var hostileName = "&lt;img src=x onerror=alert(1)&gt; **bold** @octo-org/admins [x](http://evil)";
        var longName = new string('L', 5000);
        var xml = $"<testsuite><testcase name=\"{hostileName}\"><failure message=\"@everyone &lt;script&gt;\">x</failure></testcase><testcase name=\"{longName}\"><failure>y</failure></testcase></testsuite>";

        var (result, _) = await GradeAsync("markup", Busybox, Shell($"printf '%s' '{xml}' > /grader/results/junit.xml"));

        Assert.Multiple(() =>
        {
            Assert.That(result.Status, Is.EqualTo(CheckStatus.Failed));
            Assert.That(result.Details[0], Is.EqualTo("<img src=x onerror=alert(1)> **bold** @octo-org/admins [x](http://evil): @everyone <script>"));
            Assert.That(result.Details[1].Length, Is.LessThan(400));
        });
    }

    [Test]
    public async Task ReadOtherJobsFiles_FromBuildAndTests_NothingOfTheRunnerVisible()
    {
        var otherJob = Submission("other-job", new Dictionary<string, string> { ["answer.txt"] = "OTHER-JOB-9911" });
        var (result, context) = await GradeAsync("snoop",
            Busybox + $"RUN cat {otherJob}/answer.txt 2>&1; ls / ; echo SNOOP-BUILD\n",
            Shell($"cat {otherJob}/answer.txt 2>&1; ls /var/run/docker.sock 2>&1; exit 6"));

        Assert.Multiple(() =>
        {
            Assert.That(context.Build!.Log, Does.Contain("SNOOP-BUILD").And.Not.Contain("OTHER-JOB-9911"));
            Assert.That(Output(result), Does.Contain("No such file").And.Not.Contain("OTHER-JOB-9911"));
        });
    }

    [Test]
    public async Task PrivilegeEscalation_Attempts_RunAsNobodyWithoutCapabilities()
    {
        var (result, _) = await GradeAsync("privs", Busybox,
            Shell("id; grep -E 'CapEff|NoNewPrivs' /proc/self/status; mount -t tmpfs none /mnt 2>&1; exit 7"));

        Assert.That(Output(result), Does.Contain("uid=65534").And.Contain("CapEff:\t0000000000000000").And.Contain("NoNewPrivs:\t1"));
    }
}
