using Docker.DotNet.Models;
using Grader.Rubrics.Model;
using Grader.Rubrics.Results;
using Grader.Runner.Checks;
using Grader.Runner.Docker;
using Grader.Runner.Testing;
using Grader.Runner.Tests.Docker;
using Grader.Runner.Tests.Service;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Grader.Runner.Tests.Checks;

public class TestsCheckExecutorTests : DockerTestBase
{
    private const string Report = """
        <testsuites><testsuite name="pytest">
          <testcase classname="tests.test_model" name="test_shape" file="tests/test_model.py" line="4"/>
          <testcase classname="tests.test_model" name="test_accuracy" file="tests/test_model.py" line="9"><failure message="accuracy 0.41 &lt; 0.8">trace</failure></testcase>
          <testcase classname="hidden" name="test_hidden" file="/grader/hidden/test_h.py" line="3"><failure message="hidden failed">x</failure></testcase>
          <testcase classname="tests.test_model" name="test_ok"/>
        </testsuite></testsuites>
        """;

    /// <summary>A hidden report whose failure carries text only the instructor may see.</summary>
    private const string HiddenReport = """
        <testsuite name="hidden">
          <testcase classname="test_contract" name="test_ok"/>
          <testcase classname="test_contract" name="test_secret" file="/grader/hidden/test_model.py" line="7"><failure message="SECRET-MESSAGE expected 8.4">assert predict() == SECRET-TRACE</failure><system-out>SECRET-SYSTEM-OUT</system-out></testcase>
        </testsuite>
        """;

    private GradingContext _context = null!;

    [OneTimeSetUp]
    public async Task BuildSubmissionAsync()
    {
        var submission = Submission("tests-exec", new Dictionary<string, string>
        {
            ["Dockerfile"] = "FROM grader/busybox:1\nCOPY . /app\nWORKDIR /app\n",
            ["report.xml"] = Report,
            ["tests/test_model.py"] = "def test_shape():\n    pass\n",
        });
        _context = await BuildContextAsync(submission, TestRubrics.With(new BuildCheck(), SmallLimits()), "tests-exec");
        Assert.That(_context.Image, Is.Not.Null, _context.Build?.Log);
    }

    [TestCase("USER 10001\n", true)]
    [TestCase("USER 00\n", false)]
    public async Task ExecuteAsync_CodeReadableOnlyByTheImagesUser_RunsAsThatUserUnlessItIsRoot(string user, bool readable)
    {
        // /app is 0750 and owned by uid 10001: only that user (not nobody) can read the learner's code.
        var submission = Submission("own-user-" + readable, new Dictionary<string, string>
        {
            ["Dockerfile"] = "FROM grader/busybox:1\nCOPY . /app\nRUN chown -R 10001:10001 /app && chmod -R 0750 /app\n" + user,
        });
        var context = await BuildContextAsync(submission, TestRubrics.With(new BuildCheck(), SmallLimits()), "own-user-" + readable);
        Assert.That(context.Image, Is.Not.Null, context.Build?.Log);

        var result = await RunAsync(Shell("id -u; cat /app/Dockerfile > /dev/null") with { Report = TestReportFormat.ExitCode }, context);

        Assert.That(result.Status, Is.EqualTo(readable ? CheckStatus.Passed : CheckStatus.Failed), result.Message);
    }

    [Test]
    public async Task ExecuteAsync_TestCommandNotInTheLearnersImage_LearnersFailureNamingTheCommand()
    {
        // busybox has no python3: the learner's image cannot run the rubric's command, which they must fix.
        var result = await RunAsync(new TestsCheck { Command = ["python3", "-m", "pytest"], Timeout = TimeSpan.FromSeconds(20) });

        Assert.Multiple(() =>
        {
            Assert.That(result.Status, Is.EqualTo(CheckStatus.Failed), result.Message);
            Assert.That(result.Message, Does.StartWith("The test command could not start in your image: exec: \"python3\""));
            Assert.That(result.Message, Does.Contain("Install 'python3' in the image"));
        });
    }

    [Test]
    public async Task ExecuteAsync_HiddenTestCommandNotInTheGradersImage_GraderError()
    {
        var folder = HiddenFolder(("test_x.py", "def test_x(): pass\n"));
        var check = Hidden("true", folder) with { Command = ["python3", "-m", "pytest"] };

        var result = await RunAsync(check);

        Assert.Multiple(() =>
        {
            Assert.That(result.Status, Is.EqualTo(CheckStatus.GraderError), result.Message);
            Assert.That(result.Message, Does.Contain("cannot start in the grader's image"));
        });
    }

    private Task<CheckResult> RunAsync(TestsCheck check, GradingContext? context = null) =>
        new TestsCheckExecutor(Sandbox, NullLogger<TestsCheckExecutor>.Instance).ExecuteAsync(TestRubrics.Criterion(check), context ?? _context, CancellationToken.None);

    private static TestsCheck Shell(string script) => new() { Command = ["/bin/sh", "-c", script], Timeout = TimeSpan.FromSeconds(20) };

    /// <summary>Hidden tests from <paramref name="folder"/> run by <paramref name="script"/> in the small grader-owned busybox image.</summary>
    private static TestsCheck Hidden(string script, string folder, HiddenTestVisibility show = HiddenTestVisibility.Names, bool submission = false) =>
        Shell(script) with { Hidden = new HiddenTestsSpec(folder, null, null, null) { Image = BaseImages.Busybox, Show = show, Submission = submission } };

    private string HiddenFolder(params (string Name, string Content)[] files)
    {
        var folder = Directory.CreateDirectory(Path.Combine(Scratch, "hidden-" + Guid.NewGuid().ToString("N")[..8])).FullName;
        foreach (var (name, content) in files) File.WriteAllText(Path.Combine(folder, name), content);
        return folder;
    }

    private GradingContext With(TestsCheck check, string? hiddenTestsDirectory = null) => new()
    {
        JobId = _context.JobId,
        RunnerId = RunnerId,
        Rubric = TestRubrics.With(check, SmallLimits()),
        SubmissionDirectory = _context.SubmissionDirectory,
        WorkDirectory = _context.WorkDirectory,
        Image = _context.Image,
        HiddenTestsDirectory = hiddenTestsDirectory,
    };

    /// <summary>Everything of a result that reaches the review, the check run or result.json, as one text.</summary>
    private static string Shown(CheckResult result) => string.Join("\n",
        new[] { result.Message ?? "" }
            .Concat(result.Details)
            .Concat(result.Annotations.Select(a => $"{a.Path}:{a.StartLine} {a.Title} {a.Message}"))
            .Concat(result.Logs.Select(l => l.Title + "\n" + l.Text))
            .Concat(result.Values.Values));

    [Test]
    public async Task ExecuteAsync_JUnitWithFailures_RatioDetailsAndAnnotations()
    {
        var result = await RunAsync(Shell("cp /app/report.xml /grader/results/junit.xml") with { MinPassRatio = 0.5 });

        Assert.Multiple(() =>
        {
            Assert.That(result.Status, Is.EqualTo(CheckStatus.Passed), result.Message);
            Assert.That(result.Measure, Is.EqualTo(0.5));
            Assert.That(result.Values["passed"], Is.EqualTo("2"));
            Assert.That(result.Values["failed"], Is.EqualTo("2"));
            Assert.That(result.Values["total"], Is.EqualTo("4"));
            Assert.That(result.Values["ratio"], Is.EqualTo("50%"));
            Assert.That(result.Values["min_ratio"], Is.EqualTo("50%"));
            Assert.That(result.Details, Does.Contain("tests.test_model.test_accuracy: accuracy 0.41 < 0.8"));
            var annotation = result.Annotations.Single();
            Assert.That((annotation.Path, annotation.StartLine), Is.EqualTo(("tests/test_model.py", 9)));
        });
    }

    [Test]
    public async Task ExecuteAsync_BelowMinRatio_Failed()
    {
        var result = await RunAsync(Shell("cp /app/report.xml /grader/results/junit.xml"));

        Assert.That(result.Status, Is.EqualTo(CheckStatus.Failed));
        Assert.That(result.Message, Is.EqualTo("2 of 4 tests passed (50%; 100% required)."));
    }

    [Test]
    public async Task ExecuteAsync_OneFailureInTwoThousand_PercentageNeverRoundsUpToTheRequirement()
    {
        var report = "{ echo '<testsuite>'; i=0; while [ $i -lt 1999 ]; do echo \"<testcase name='t$i'/>\"; i=$((i+1)); done; "
            + "echo \"<testcase name='bad'><failure message='no'/></testcase></testsuite>\"; } > /grader/results/junit.xml";

        var result = await RunAsync(Shell(report));

        Assert.That(result.Message, Is.EqualTo("1999 of 2000 tests passed (99.95%; 100% required)."));
    }

    [Test]
    public async Task ExecuteAsync_FewerThanMinTests_Failed()
    {
        var result = await RunAsync(Shell("printf '<testsuite><testcase name=\"a\"/></testsuite>' > /grader/results/junit.xml") with { MinTests = 3 });

        Assert.Multiple(() =>
        {
            Assert.That(result.Status, Is.EqualTo(CheckStatus.Failed));
            Assert.That(result.Message, Is.EqualTo("Only 1 test ran; at least 3 must run."));
            Assert.That(result.Measure, Is.EqualTo(1.0), "every test that ran passed");
            Assert.That(result.RequirementFailed, Is.True, "so no credit rule may turn the pass ratio into points");
        });
    }

    [Test]
    public async Task ExecuteAsync_ReportPathElsewhere_ReadsThatFile()
    {
        var result = await RunAsync(Shell("printf '<testsuite><testcase name=\"a\"/></testsuite>' > /out/junit.xml") with { ReportPath = "/out/junit.xml" });

        Assert.That(result.Status, Is.EqualTo(CheckStatus.Passed), result.Message);
    }

    [Test]
    public async Task ExecuteAsync_ExtraReportFilesBesideTheConfiguredOne_OnlyTheConfiguredFileCounts()
    {
        var forged = "<testsuite>" + string.Concat(Enumerable.Range(0, 500).Select(i => $"<testcase name=\"forged{i}\"/>")) + "</testsuite>";
        var script = $"printf '<testsuite><testcase name=\"real\"><failure/></testcase></testsuite>' > /grader/results/junit.xml; " +
            $"for f in a.xml z.xml sub.xml; do printf '%s' '{forged}' > /grader/results/$f; done";

        var result = await RunAsync(Shell(script));

        Assert.Multiple(() =>
        {
            Assert.That(result.Status, Is.EqualTo(CheckStatus.Failed));
            Assert.That(result.Message, Is.EqualTo("0 of 1 tests passed (0%; 100% required)."));
        });
    }

    [Test]
    public async Task ExecuteAsync_NoReportWritten_FailedNamingTheConfiguredFile()
    {
        var result = await RunAsync(Shell("printf '<testsuite><testcase name=\"a\"/></testsuite>' > /grader/results/other.xml; exit 1"));

        Assert.Multiple(() =>
        {
            Assert.That(result.Status, Is.EqualTo(CheckStatus.Failed));
            Assert.That(result.Message, Is.EqualTo("The JUnit report could not be used: nothing was written to /grader/results/junit.xml (exit code 1)."));
        });
    }

    [TestCase("exit 0", CheckStatus.Passed, 1.0)]
    [TestCase("exit 2", CheckStatus.Failed, 0.0)]
    public async Task ExecuteAsync_ExitCodeMode_ExitCodeDecides(string script, CheckStatus expected, double measure)
    {
        var result = await RunAsync(Shell(script) with { Report = TestReportFormat.ExitCode });

        Assert.That((result.Status, result.Measure), Is.EqualTo((expected, (double?)measure)));
    }

    [Test]
    public async Task ExecuteAsync_HiddenTestsRelativeToRubric_RunInTheGraderImageNotTheLearnersAtMountPath()
    {
        var rubricDir = Directory.CreateDirectory(Path.Combine(Scratch, "rubric-" + Guid.NewGuid().ToString("N")[..8])).FullName;
        Directory.CreateDirectory(Path.Combine(rubricDir, "hidden", "lab"));
        File.WriteAllText(Path.Combine(rubricDir, "hidden", "lab", "junit.xml"), "<testsuite><testcase name=\"from-hidden\"/></testsuite>");
        // /app/report.xml exists only in the learner's image: the hidden run must not see it.
        var check = Shell("test ! -e /app/report.xml && cp /opt/hidden/junit.xml /grader/results/") with
        {
            Hidden = new HiddenTestsSpec("hidden/lab", null, null, null, "/opt/hidden") { Image = BaseImages.Busybox },
        };
        var context = With(check) with { Rubric = TestRubrics.With(check, SmallLimits(), rubricDir) };

        var result = await RunAsync(check, context);

        Assert.That(result.Status, Is.EqualTo(CheckStatus.Passed), result.Message);
        Assert.That(result.Values["total"], Is.EqualTo("1"));
    }

    [Test]
    public async Task ExecuteAsync_HiddenTestImage_PinnedByIdAtCreate()
    {
        var since = DateTime.UtcNow.AddSeconds(-1);
        var folder = HiddenFolder(("junit.xml", "<testsuite><testcase name=\"a\"/></testsuite>"));
        var jobId = "pinned-" + Guid.NewGuid().ToString("N")[..8];

        var result = await RunAsync(Hidden("cp /grader/hidden/junit.xml /grader/results/", folder), With(Shell("true")) with { JobId = jobId });

        Assert.That(result.Status, Is.EqualTo(CheckStatus.Passed), result.Message);
        var busybox = await Docker.Images.InspectImageAsync(BaseImages.Busybox);
        var created = await CreatedImagesAsync(since, jobId);
        Assert.Multiple(() =>
        {
            Assert.That(created, Is.Not.Empty);
            Assert.That(created, Is.All.EqualTo(busybox.ID), "the hidden-test container and its helper run from the image id, never the tag");
        });
    }

    [Test]
    public async Task ExecuteAsync_OwnTestsWhileTheJobHasAHiddenTestsFolder_NothingMounted()
    {
        var folder = HiddenFolder(("test_secret.py", "HIDDEN-MARKER-5521"));
        var check = Shell("if [ -e /grader/hidden ] || grep -rqs HIDDEN-MARKER-5521 /grader /tmp; " +
            "then printf '<testsuite><testcase name=\"saw-hidden\"><failure/></testcase></testsuite>'; " +
            "else printf '<testsuite><testcase name=\"no-hidden\"/></testsuite>'; fi > /grader/results/junit.xml");

        var result = await RunAsync(check, With(check, hiddenTestsDirectory: folder));

        Assert.That(result.Status, Is.EqualTo(CheckStatus.Passed), string.Join("\n", result.Details));
    }

    [Test]
    public async Task ExecuteAsync_JobHiddenTestsFolder_ReplacesTheRubricFolderOfAHiddenCriterion()
    {
        var rubricFolder = HiddenFolder(("junit.xml", "<testsuite><testcase name=\"from-rubric\"><failure/></testcase></testsuite>"));
        var jobFolder = HiddenFolder(("junit.xml", "<testsuite><testcase name=\"from-job\"/></testsuite>"));
        var check = Hidden("cp /grader/hidden/junit.xml /grader/results/", rubricFolder);

        var result = await RunAsync(check, With(check, hiddenTestsDirectory: jobFolder));

        Assert.That(result.Status, Is.EqualTo(CheckStatus.Passed), string.Join("\n", result.Details));
    }

    [Test]
    public async Task ExecuteAsync_HiddenFailuresByDefault_NamesAndCountsOnly()
    {
        var folder = HiddenFolder(("junit.xml", HiddenReport));
        var check = Hidden("echo SECRET-OUTPUT; cat /grader/hidden/junit.xml; cp /grader/hidden/junit.xml /grader/results/; exit 1", folder);

        var result = await RunAsync(check, With(check));

        Assert.Multiple(() =>
        {
            Assert.That(result.Status, Is.EqualTo(CheckStatus.Failed));
            Assert.That(result.Message, Is.EqualTo("1 of 2 tests passed (50%; 100% required)."));
            Assert.That(result.Details, Is.EqualTo(new[] { "test_contract.test_secret" }));
            Assert.That(result.Annotations, Is.Empty);
            Assert.That(result.Logs, Is.Empty);
            Assert.That(Shown(result), Does.Not.Contain("SECRET"));
        });
    }

    [Test]
    public async Task ExecuteAsync_HiddenShowMessages_FailureMessagesButNoOutput()
    {
        var folder = HiddenFolder(("junit.xml", HiddenReport));
        var check = Hidden("echo SECRET-OUTPUT; cp /grader/hidden/junit.xml /grader/results/; exit 1", folder, HiddenTestVisibility.Messages);

        var result = await RunAsync(check, With(check));

        Assert.Multiple(() =>
        {
            Assert.That(result.Details, Is.EqualTo(new[] { "test_contract.test_secret: SECRET-MESSAGE expected 8.4" }));
            Assert.That(result.Logs, Is.Empty);
            Assert.That(Shown(result), Does.Not.Contain("SECRET-OUTPUT").And.Not.Contain("SECRET-TRACE"));
            Assert.That(result.Annotations, Is.Empty, "a hidden test file is never annotated in the learner's submission");
        });
    }

    [Test]
    public async Task ExecuteAsync_HiddenShowOutput_OutputInLogs()
    {
        var folder = HiddenFolder(("junit.xml", HiddenReport));
        var check = Hidden("echo SECRET-OUTPUT; cp /grader/hidden/junit.xml /grader/results/; exit 1", folder, HiddenTestVisibility.Output);

        var result = await RunAsync(check, With(check));

        Assert.That(result.Logs.Single().Text, Does.Contain("SECRET-OUTPUT"));
    }

    [Test]
    public async Task ExecuteAsync_HiddenTestsWriteNoReport_GraderErrorNotTheLearnersFailure()
    {
        var folder = HiddenFolder(("junit.xml", HiddenReport));
        var check = Hidden("echo SECRET-OUTPUT; exit 3", folder);

        var result = await RunAsync(check, With(check));

        Assert.Multiple(() =>
        {
            Assert.That(result.Status, Is.EqualTo(CheckStatus.GraderError));
            Assert.That(result.Message, Is.EqualTo("The hidden tests wrote no usable report at /grader/results/junit.xml (exit code 3); check the rubric's test command."));
            Assert.That(Shown(result), Does.Not.Contain("SECRET"));
        });
    }

    [Test]
    public async Task ExecuteAsync_HiddenTestsTimeOut_FailedWithoutTheirOutput()
    {
        var folder = HiddenFolder(("junit.xml", HiddenReport));
        var check = Hidden("echo SECRET-OUTPUT; sleep 60", folder) with { Timeout = TimeSpan.FromSeconds(3) };

        var result = await RunAsync(check, With(check));

        Assert.Multiple(() =>
        {
            Assert.That(result.Status, Is.EqualTo(CheckStatus.Failed));
            Assert.That(result.Message, Is.EqualTo("The tests did not finish within 3s; the container was killed."));
            Assert.That(result.Logs, Is.Empty);
        });
    }

    [Test]
    public async Task ExecuteAsync_HiddenSubmission_ReadOnlyCopyAtGraderSubmission()
    {
        var folder = HiddenFolder(("check.sh",
            "grep -q 'def test_shape' /grader/submission/tests/test_model.py || exit 1\n" +
            "if touch /grader/submission/x 2>/dev/null; then exit 2; fi\n" +
            "printf '<testsuite><testcase name=\"static\"/></testsuite>' > /grader/results/junit.xml\n"));
        var check = Hidden("sh /grader/hidden/check.sh", folder, submission: true);

        var result = await RunAsync(check, With(check));

        Assert.That(result.Status, Is.EqualTo(CheckStatus.Passed), result.Message);
    }

    [Test]
    public async Task ExecuteAsync_HiddenServiceTestsWithoutAStartedService_GraderError()
    {
        var folder = HiddenFolder(("junit.xml", HiddenReport));
        var check = Shell("true") with { Hidden = new HiddenTestsSpec(folder, null, null, null) { Service = true } };
        var context = With(check) with { Build = new ImageBuildOutcome(true, _context.Image!.Id, "", false, TimeSpan.Zero, false, null) };

        var result = await RunAsync(check, context);

        Assert.That(result.Status, Is.EqualTo(CheckStatus.GraderError));
        Assert.That(result.Message, Does.Contain("did not start the service"));
    }

    [Test]
    public async Task ExecuteAsync_HiddenServiceTests_ReachTheServiceBlackBoxOnItsNetworkOnly()
    {
        await using var host = new ServiceTestHost();
        var site = new BusyboxSite().File("/health", "ok").File("/answer", "SERVICE-ANSWER-42");
        var outcome = await host.StartReadyAsync(ServiceTestHost.Spec(["sh", "-c", site.Script()]));
        var folder = HiddenFolder(("check.sh",
            // (busybox's wget crashes with -T on this engine; the service answers at once anyway.)
            "wget -q -O- \"$GRADER_SERVICE_URL/answer\" | grep -q SERVICE-ANSWER-42 || exit 1\n" +
            // One interface besides loopback: the service's internal network, not the default bridge too.
            "test \"$(ls /sys/class/net | tr '\\n' ' ')\" = 'eth0 lo ' || exit 2\n" +
            "printf '<testsuite><testcase name=\"black-box\"/></testsuite>' > /grader/results/junit.xml\n"));
        var check = Hidden("sh /grader/hidden/check.sh", folder) with
        {
            Hidden = new HiddenTestsSpec(folder, null, null, null) { Image = BaseImages.Busybox, Service = true },
        };
        var context = host.Context(outcome) with
        {
            Rubric = TestRubrics.With(check, SmallLimits()),
            Image = _context.Image,
            WorkDirectory = _context.WorkDirectory,
        };

        var result = await RunAsync(check, context);

        Assert.That(result.Status, Is.EqualTo(CheckStatus.Passed), result.Message);
    }

    [Test]
    public async Task ExecuteAsync_HiddenRepositoryNotFetched_GraderError()
    {
        var result = await RunAsync(Shell("true") with { Hidden = new HiddenTestsSpec(null, "https://example.invalid/h.git", "main", null) });

        Assert.That(result.Status, Is.EqualTo(CheckStatus.GraderError));
    }

    [Test]
    public async Task ExecuteAsync_NoImage_NotRun()
    {
        var check = Shell("true");
        var context = ExecutorContexts.For(check);

        var result = await RunAsync(check, context);

        Assert.That(result.Status, Is.EqualTo(CheckStatus.NotRun));
    }

    [Test]
    public async Task ExecuteAsync_EngineUnreachable_GraderError()
    {
        using var nowhere = DockerClientFactory.Create(new DockerEngineOptions { Endpoint = new Uri("unix:///tmp/no-such-docker-" + Guid.NewGuid().ToString("N") + ".sock") });
        var sandbox = new DockerContainerSandbox(nowhere, Options.Create(new SandboxOptions()), NullLogger<DockerContainerSandbox>.Instance);

        var result = await new TestsCheckExecutor(sandbox, NullLogger<TestsCheckExecutor>.Instance).ExecuteAsync(TestRubrics.Criterion(Shell("true")), _context, CancellationToken.None);

        Assert.That(result.Status, Is.EqualTo(CheckStatus.GraderError));
        Assert.That(result.Message, Does.Contain("could not run the tests"));
    }

    /// <summary>The image each container of a job was created from since <paramref name="since"/>, as the engine's create events name it.</summary>
    private async Task<List<string>> CreatedImagesAsync(DateTime since, string jobId)
    {
        var images = new List<string>();
        await Docker.System.MonitorEventsAsync(new ContainerEventsParameters
        {
            Since = ((DateTimeOffset)since).ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture),
            Until = DateTimeOffset.UtcNow.AddSeconds(1).ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture),
            Filters = new Dictionary<string, IDictionary<string, bool>>
            {
                ["type"] = new Dictionary<string, bool> { ["container"] = true },
                ["event"] = new Dictionary<string, bool> { ["create"] = true },
                ["label"] = new Dictionary<string, bool> { [$"{DockerLabels.JobId}={jobId}"] = true },
            },
        }, new SyncProgress<Message>(m => images.Add(m.Actor.Attributes["image"])), CancellationToken.None);
        return images;
    }

    private sealed class SyncProgress<T>(Action<T> report) : IProgress<T>
    {
        public void Report(T value) => report(value);
    }
}
