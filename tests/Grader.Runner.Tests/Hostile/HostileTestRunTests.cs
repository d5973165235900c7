using Docker.DotNet.Models;
using Grader.Rubrics.Loading;
using Grader.Rubrics.Model;
using Grader.Rubrics.Results;
using Grader.Rubrics.Scoring;
using Grader.Runner.Checks;
using Grader.Runner.Docker;
using Grader.Runner.Pipeline;
using Grader.Runner.Testing;
using Grader.Runner.Tests.Docker;
using Grader.Runner.Tests.Examples;
using Grader.Runner.Tests.Pipeline;
using Microsoft.Extensions.Logging.Abstractions;

namespace Grader.Runner.Tests.Hostile;

/// <summary>
/// Test-time forgeries and exfiltration by learner code, through the real pipeline and engine: tricks that make
/// Python run the learner's code inside a test process (conftest.py, sitecustomize, a fake pytest, an atexit
/// hook, a .pth file), extra, linked, special and huge report files, and attempts to read the hidden tests. Each
/// case shows the trick working where learner code legitimately runs (the learner's own test run) and failing
/// against the hidden tests, then checks the host: a normal submission still grades right and nothing of the
/// runner is left behind.
/// </summary>
[Category("Hostile")]
[Category("Docker")]
public sealed class HostileTestRunTests : DockerTestBase
{
    private const string Busybox = "FROM grader/busybox:1\n";
    private const string WriteJUnit = "printf '<testsuite><testcase name=\"ok\"/></testsuite>' > /grader/results/junit.xml";

    /// <summary>
    /// The payload every forgery loads: at exit, overwrite the JUnit report this process was asked to write with
    /// 10,000 passing tests (pytest writes its report before atexit hooks run).
    /// </summary>
    private const string Forge = """
        import atexit
        import sys


        def _forge():
            for arg in sys.argv:
                if arg.startswith("--junitxml="):
                    cases = "".join(f'<testcase classname="forged" name="t{i}"/>' for i in range(10000))
                    with open(arg.split("=", 1)[1], "w") as out:
                        out.write(f"<testsuite>{cases}</testsuite>")


        atexit.register(_forge)
        """;

    private static readonly string RepositoryRoot = Mod101Lab2ExampleTests.FindRepositoryRoot();
    private static readonly string Examples = Path.Combine(RepositoryRoot, "examples", "mod-101-lab2");

    private PipelineHarness _harness = null!;
    private Rubric _lab2 = null!;
    private TestsCheckExecutor _tests = null!;
    private GradingContext _normal = null!;

    [OneTimeSetUp]
    public async Task SetUpAsync()
    {
        _harness = new PipelineHarness();
        Assert.That(await BaseImages.ExistsAsync(Docker, BaseImages.Python, CancellationToken.None), Is.True,
            $"{BaseImages.Python} is needed: run `grader images bootstrap` (scripts/test.sh does)");
        var loaded = await RubricLoader.LoadFileAsync(Path.Combine(RepositoryRoot, "rubrics", "courses", "mod-101-lab2.yaml"));
        Assert.That(loaded.Diagnostics, Is.Empty);
        _lab2 = loaded.Rubric!;
        _tests = new TestsCheckExecutor(Sandbox, NullLogger<TestsCheckExecutor>.Instance);
        var check = Shell(WriteJUnit);
        _normal = await BuildContextAsync(Submission("normal", new Dictionary<string, string> { ["Dockerfile"] = Busybox }), TestRubrics.With(check, SmallLimits()), "normal");
        Assert.That(_normal.Image, Is.Not.Null, _normal.Build?.Log);
    }

    [OneTimeTearDown]
    public async Task TearDownHarnessAsync() => await _harness.DisposeAsync();

    // --- forgeries against the hidden tests (MOD-101 Lab 2, the real rubric and hidden tests) --------------------

    /// <summary>The ways learner code gets itself run inside a Python test process.</summary>
    private static IEnumerable<TestCaseData> Forgeries()
    {
        yield return new TestCaseData("conftest", new Dictionary<string, string> { ["extra/conftest.py"] = "import forge\n" }, "")
            .SetName("Forgery_ConftestPy_HiddenCriterionStillFails");
        yield return new TestCaseData("sitecustomize", new Dictionary<string, string> { ["extra/sitecustomize.py"] = "import forge\n" }, "")
            .SetName("Forgery_Sitecustomize_HiddenCriterionStillFails");
        yield return new TestCaseData("fake-pytest", new Dictionary<string, string>
            {
                ["extra/pytest/__init__.py"] = "",
                ["extra/pytest/__main__.py"] = "import sys\nimport forge\nsys.exit(0)\n",
            }, "")
            .SetName("Forgery_FakePytestModule_HiddenCriterionStillFails");
        yield return new TestCaseData("atexit", new Dictionary<string, string> { ["service/__init__.py"] = "import forge  # registers an atexit hook in every process that imports the service\n" }, "")
            .SetName("Forgery_AtexitHookInTheServicePackage_HiddenCriterionStillFails");
        yield return new TestCaseData("pth", new Dictionary<string, string>(),
                "RUN mkdir -p /usr/local/lib/python3.11/dist-packages && echo 'import forge' > /usr/local/lib/python3.11/dist-packages/zz_forge.pth\n")
            .SetName("Forgery_PthFileInSitePackages_HiddenCriterionStillFails");
    }

    [TestCaseSource(nameof(Forgeries))]
    public async Task Forgery_LearnerCodeInTheTestProcess_ForgesOnlyTheLearnersOwnRun(string name, Dictionary<string, string> files, string dockerfileLines)
    {
        files["extra/forge.py"] = Forge;
        var folder = LearnerSubmission("forgery-" + name, "failing-tests", files, dockerfileLines);

        var run = await GradeAsync(folder);

        var own = Criterion(run, "unit-tests").Result;
        var hidden = Criterion(run, "hidden-tests").Result;
        Assert.Multiple(() =>
        {
            // The trick is live: where learner code runs (its own tests), it rewrites the report.
            Assert.That((own.Status, own.Values["total"]), Is.EqualTo((CheckStatus.Passed, "10000")), own.Message);
            // It never reaches the hidden tests: the grader's image runs them against the (wrong) service.
            Assert.That(hidden.Status, Is.EqualTo(CheckStatus.Failed), hidden.Message);
            Assert.That(hidden.Message, Is.EqualTo("21 of 27 tests passed (77.8%; 80% required)."));
            Assert.That(Criterion(run, "hidden-tests").Points, Is.EqualTo(15), "the 50% step of 50 points, as without the trick");
            // A forged own run earns its 15 points, which cannot lift a service that fails the contract to the pass mark.
            Assert.That((run.Review.Passed, run.Review.Points), Is.EqualTo((false, 65.0)), run.Review.Summary);
        });
        await AssertHostHealthyAsync();
    }

    // --- exfiltration of the hidden tests ----------------------------------------------------------------------

    [Test]
    public async Task Exfiltration_LearnerCodeHuntsForTheHiddenTests_NoLineOfThemReachesTheLearner()
    {
        var hunt = """
            import os


            def hunt():
                found = []
                for root, dirs, names in os.walk("/"):
                    dirs[:] = [d for d in dirs if os.path.join(root, d) not in ("/proc", "/sys", "/dev")]
                    for name in names:
                        path = os.path.join(root, name)
                        if name.endswith(".py") and ("lab2_contract" in name or "/grader" in path):
                            try:
                                with open(path) as source:
                                    found.append(path + "\n" + source.read())
                            except OSError as error:
                                found.append(f"{path}: {error}")
                return "EXFIL-ATTEMPT " + str(os.environ.get("GRADER_SERVICE_URL")) + " found " + (" | ".join(found) or "nothing")
            """;
        var files = new Dictionary<string, string>
        {
            ["extra/hunt.py"] = hunt,
            // The learner's own tests: a failing test prints what it found, so its output reaches the review.
            ["tests/test_exfiltrate.py"] = "import hunt\n\n\ndef test_exfiltrate():\n    report = hunt.hunt()\n    print(report)\n    raise AssertionError(report)\n",
            // The service: logs what it found at start and answers bad requests with it, where a hidden test reads it.
            ["service/__init__.py"] = "import hunt\n\nprint(hunt.hunt(), flush=True)\n",
        };
        var appPath = Path.Combine(Examples, "failing-tests", "service", "app.py");
        files["service/app.py"] = File.ReadAllText(appPath).Replace(
            "self._send(400, {\"error\": str(error)})",
            "self._send(400, {\"error\": str(error) + __import__('hunt').hunt()})",
            StringComparison.Ordinal);
        Assert.That(files["service/app.py"], Does.Contain("hunt()"), "the example's error answer changed; adjust the exfiltration");
        var folder = LearnerSubmission("exfiltration", "failing-tests", files, "");

        // The job-level folder form (--hidden-tests, the bot's course configuration), which once reached every run.
        var hiddenFolder = Path.Combine(RepositoryRoot, "rubrics", "hidden", "mod-101-lab2");
        var run = await GradeAsync(folder, hiddenFolder);

        var shown = HiddenSource.Rendered(run);
        var serviceLog = string.Join("\n", run.Logs.Select(l => l.Text));
        Assert.Multiple(() =>
        {
            Assert.That(shown, Does.Contain("EXFIL-ATTEMPT None found nothing"), "the learner's own output is shown, and it found nothing");
            Assert.That(serviceLog, Does.Contain("EXFIL-ATTEMPT"), "the service ran its hunt");
            Assert.That(HiddenSource.LinesIn(shown), Is.Empty, "no line of the hidden tests in the review, check run or result.json");
            Assert.That(HiddenSource.LinesIn(serviceLog), Is.Empty, "no line of the hidden tests in the service log");
            Assert.That(Criterion(run, "hidden-tests").Result.Logs, Is.Empty);
            Assert.That(Criterion(run, "hidden-tests").Result.Message, Is.EqualTo("21 of 27 tests passed (77.8%; 80% required)."));
        });
        await AssertHostHealthyAsync();
    }

    // --- forged reports in the learner's own run ------------------------------------------------------------------

    [Test]
    public async Task ForgedReports_ExtraFilesBesideTheConfiguredReport_Ignored()
    {
        var script = "printf '<testsuite><testcase name=\"a\"/><testcase name=\"b\"><failure/></testcase></testsuite>' > /grader/results/junit.xml; " +
            "{ echo '<testsuite>'; seq 10000 | sed 's/.*/<testcase name=\"f&\"\\/>/'; echo '</testsuite>'; } > /grader/results/forged.xml; " +
            "cp /grader/results/forged.xml /grader/results/a.xml; cp /grader/results/forged.xml /grader/results/zz.xml; ls -l /grader/results";

        var result = await GradeOwnAsync("extra-reports", script);
        var forgedRead = await GradeOwnAsync("extra-reports-control", script, reportPath: "/grader/results/forged.xml");

        Assert.Multiple(() =>
        {
            Assert.That(forgedRead.Values["total"], Is.EqualTo("10000"), "control: a forged file is a valid report when it is the configured one");
            Assert.That(result.Values["total"], Is.EqualTo("2"));
            Assert.That(result.Message, Is.EqualTo("1 of 2 tests passed (50%; 100% required)."));
        });
        await AssertHostHealthyAsync();
    }

    [Test]
    public async Task ForgedReports_ReportIsASymlinkToAForgedFile_Refused()
    {
        var result = await GradeOwnAsync("symlink-report",
            "printf '<testsuite><testcase name=\"forged\"/></testsuite>' > /tmp/forged.xml; ln -s /tmp/forged.xml /grader/results/junit.xml");

        Assert.Multiple(() =>
        {
            Assert.That(result.Status, Is.EqualTo(CheckStatus.Failed));
            Assert.That(result.Message, Is.EqualTo("The JUnit report could not be used: /grader/results/junit.xml is a symbolic link, not a regular file (exit code 0)."));
        });
        await AssertHostHealthyAsync();
    }

    [Test]
    public async Task ForgedReports_ReportIsAFifo_RefusedWithoutBlocking()
    {
        var result = await GradeOwnAsync("fifo-report", "mkfifo /grader/results/junit.xml");

        Assert.Multiple(() =>
        {
            Assert.That(result.Status, Is.EqualTo(CheckStatus.Failed));
            Assert.That(result.Message, Is.EqualTo("The JUnit report could not be used: /grader/results/junit.xml is a fifo, socket or device, not a regular file (exit code 0)."));
        });
        await AssertHostHealthyAsync();
    }

    [Test]
    public async Task ForgedReports_ReportIsHuge_RefusedBeforeAByteIsCopied()
    {
        var result = await GradeOwnAsync("huge-report", "dd if=/dev/zero of=/grader/results/junit.xml bs=1M seek=400 count=0 2>/dev/null", SmallLimits(tmpMiB: 512));

        Assert.Multiple(() =>
        {
            Assert.That(result.Status, Is.EqualTo(CheckStatus.Failed));
            Assert.That(result.Message, Is.EqualTo("The JUnit report could not be used: /grader/results/junit.xml is 419.43 MB, larger than the 33.55 MB the grader reads (exit code 0)."));
        });
        await AssertHostHealthyAsync();
    }

    // --- helpers ------------------------------------------------------------------------------------------------

    private static TestsCheck Shell(string script) => new() { Command = ["/bin/sh", "-c", script], Timeout = TimeSpan.FromSeconds(30) };

    private async Task<CheckResult> GradeOwnAsync(string name, string script, SandboxLimits? limits = null, string reportPath = TestsCheck.DefaultReportPath)
    {
        var check = Shell(script) with { ReportPath = reportPath };
        var context = await BuildContextAsync(Submission(name, new Dictionary<string, string> { ["Dockerfile"] = Busybox }), TestRubrics.With(check, limits ?? SmallLimits()), name);
        Assert.That(context.Image, Is.Not.Null, context.Build?.Log);
        return await _tests.ExecuteAsync(TestRubrics.Criterion(check), context, CancellationToken.None);
    }

    /// <summary>
    /// A copy of a MOD-101 Lab 2 example with files replaced or added; files under <c>extra/</c> land in /app, and
    /// <paramref name="dockerfileLines"/> run as root before the image switches to its non-root user.
    /// </summary>
    private string LearnerSubmission(string name, string example, IReadOnlyDictionary<string, string> files, string dockerfileLines)
    {
        var folder = Path.Combine(Scratch, name + "-" + Guid.NewGuid().ToString("N")[..8]);
        CopyFolder(Path.Combine(Examples, example), folder);
        foreach (var (path, content) in files)
        {
            var full = Path.Combine(folder, path);
            Directory.CreateDirectory(Path.GetDirectoryName(full)!);
            File.WriteAllText(full, content);
        }
        Directory.CreateDirectory(Path.Combine(folder, "extra"));
        var dockerfile = Path.Combine(folder, "Dockerfile");
        var text = File.ReadAllText(dockerfile);
        Assert.That(text, Does.Contain("\nUSER app\n"), "the example's Dockerfile changed; adjust the hostile submission");
        File.WriteAllText(dockerfile, text.Replace("\nUSER app\n", "\nCOPY extra/ /app/\n" + dockerfileLines + "USER app\n", StringComparison.Ordinal));
        return folder;
    }

    private static void CopyFolder(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(to, Path.GetRelativePath(from, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
    }

    private async Task<GradingRun> GradeAsync(string folder, string? hiddenTestsDirectory = null)
    {
        var request = _harness.Request(_lab2, folder) with { HiddenTestsDirectory = hiddenTestsDirectory };
        return await _harness.Pipeline.RunAsync(request, null, CancellationToken.None);
    }

    private static ScoredCriterion Criterion(GradingRun run, string id) => run.Review.Criteria.Single(c => c.Criterion.Id == id);

    /// <summary>A normal submission still grades right on the same engine, and no job left anything labelled behind.</summary>
    private async Task AssertHostHealthyAsync()
    {
        var normal = await _tests.ExecuteAsync(TestRubrics.Criterion(_normal.Rubric.Criteria[0].Check), _normal, CancellationToken.None);
        var passing = await GradeAsync(Path.Combine(Examples, "passing"));
        var leftovers = await _harness.LeftoversAsync();
        var volumes = await Docker.Volumes.ListAsync(new VolumesListParameters
        {
            Filters = new Dictionary<string, IDictionary<string, bool>> { ["label"] = new Dictionary<string, bool> { [$"{DockerLabels.RunnerId}={_harness.RunnerId}"] = true } },
        });
        Assert.Multiple(() =>
        {
            Assert.That(normal.Status, Is.EqualTo(CheckStatus.Passed), normal.Message);
            Assert.That((passing.Review.Passed, passing.Review.Points), Is.EqualTo((true, 100.0)),
                string.Join("\n", passing.Review.Criteria.Select(c => $"{c.Criterion.Id}: {c.Result.Status} {c.Result.Message}")));
            Assert.That(leftovers, Is.EqualTo((0, 0, 0)), "containers, networks, images of the pipeline's jobs left behind");
            Assert.That(volumes.Volumes ?? [], Is.Empty, "volumes of the pipeline's jobs left behind");
        });
    }
}
