using Grader.Rubrics.Model;
using Grader.Rubrics.Results;
using Grader.Runner.Checks;
using Grader.Runner.Docker;
using Grader.Runner.Tests.Docker;
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

    private Task<CheckResult> RunAsync(TestsCheck check, GradingContext? context = null) =>
        new TestsCheckExecutor(Sandbox, NullLogger<TestsCheckExecutor>.Instance).ExecuteAsync(TestRubrics.Criterion(check), context ?? _context, CancellationToken.None);

    private static TestsCheck Shell(string script) => new() { Command = ["/bin/sh", "-c", script], Timeout = TimeSpan.FromSeconds(20) };

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
    public async Task ExecuteAsync_FewerThanMinTests_Failed()
    {
        var result = await RunAsync(Shell("printf '<testsuite><testcase name=\"a\"/></testsuite>' > /grader/results/r.xml") with { MinTests = 3 });

        Assert.That(result.Status, Is.EqualTo(CheckStatus.Failed));
        Assert.That(result.Message, Is.EqualTo("Only 1 tests ran; at least 3 must run."));
    }

    [Test]
    public async Task ExecuteAsync_ReportFilePath_ReadsThatFolder()
    {
        var result = await RunAsync(Shell("printf '<testsuite><testcase name=\"a\"/></testsuite>' > /out/junit.xml") with { ReportPath = "/out/junit.xml" });

        Assert.That(result.Status, Is.EqualTo(CheckStatus.Passed), result.Message);
    }

    [TestCase("exit 0", CheckStatus.Passed, 1.0)]
    [TestCase("exit 2", CheckStatus.Failed, 0.0)]
    public async Task ExecuteAsync_ExitCodeMode_ExitCodeDecides(string script, CheckStatus expected, double measure)
    {
        var result = await RunAsync(Shell(script) with { Report = TestReportFormat.ExitCode });

        Assert.That((result.Status, result.Measure), Is.EqualTo((expected, (double?)measure)));
    }

    [Test]
    public async Task ExecuteAsync_HiddenTestsRelativeToRubric_CopiedInAtMountPath()
    {
        var rubricDir = Directory.CreateDirectory(Path.Combine(Scratch, "rubric-" + Guid.NewGuid().ToString("N")[..8])).FullName;
        Directory.CreateDirectory(Path.Combine(rubricDir, "hidden", "lab"));
        File.WriteAllText(Path.Combine(rubricDir, "hidden", "lab", "junit.xml"), "<testsuite><testcase name=\"from-hidden\"/></testsuite>");
        var check = Shell("cp /opt/hidden/junit.xml /grader/results/") with { Hidden = new HiddenTestsSpec("hidden/lab", null, null, null, "/opt/hidden") };
        var context = new GradingContext
        {
            JobId = _context.JobId,
            RunnerId = RunnerId,
            Rubric = TestRubrics.With(check, SmallLimits(), rubricDir),
            SubmissionDirectory = _context.SubmissionDirectory,
            WorkDirectory = _context.WorkDirectory,
            Image = _context.Image,
        };

        var result = await RunAsync(check, context);

        Assert.That(result.Status, Is.EqualTo(CheckStatus.Passed), result.Message);
        Assert.That(result.Values["total"], Is.EqualTo("1"));
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
}
