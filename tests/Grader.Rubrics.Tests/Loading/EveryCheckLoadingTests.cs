using Grader.Rubrics.Loading;
using Grader.Rubrics.Model;

namespace Grader.Rubrics.Tests.Loading;

/// <summary>A valid rubric using every check type and section loads into the model with each field as written.</summary>
public sealed class EveryCheckLoadingTests
{
    private Rubric _rubric = null!;
    private string _path = null!;

    [OneTimeSetUp]
    public void Load()
    {
        _path = TestFiles.Data("Loading", "Valid", "every-check.yaml");
        var result = RubricLoader.LoadFile(_path);
        Assert.That(result.Diagnostics, Is.Empty, string.Join("\n", result.Diagnostics));
        _rubric = result.Rubric!;
    }

    private T Check<T>(string criterionId) where T : CheckSpec =>
        (T)_rubric.Criteria.Single(c => c.Id == criterionId).Check;

    [Test]
    public void LoadFile_EveryCheck_ReadsModuleCompetenciesAndSettings()
    {
        Assert.Multiple(() =>
        {
            Assert.That(_rubric.Module, Is.EqualTo(new ModuleInfo("MOD-999", "Every check type", "ML Infrastructure Engineer", "A rubric that exercises the whole format.")));
            Assert.That(_rubric.Competencies, Is.EqualTo(new[]
            {
                new Competency("infrastructure-automation", "Infrastructure automation", ProficiencyLevel.Proficient),
                new Competency("observability", "Observability", ProficiencyLevel.Expert, "Metrics, probes and SLOs."),
                new Competency("testing", "Testing", ProficiencyLevel.Working),
            }));
            Assert.That(_rubric.PassMark, Is.EqualTo(0.75).Within(1e-12));
            Assert.That(_rubric.TotalPoints, Is.EqualTo(125));
            Assert.That(_rubric.MaxPoints, Is.EqualTo(125));
            Assert.That(_rubric.Review, Is.EqualTo(new ReviewPolicy { OnPass = ReviewEvent.Comment, OnFail = ReviewEvent.RequestChanges, OnGateFailure = ReviewEvent.RequestChanges, OnIncomplete = ReviewEvent.Comment }));
            Assert.That(_rubric.SourceFiles, Is.EqualTo(new[] { _path }));
            Assert.That(_rubric.Directory, Is.EqualTo(Path.GetDirectoryName(Path.GetFullPath(_path))));
        });
    }

    [Test]
    public void LoadFile_EveryCheck_ReadsServiceAndLimits()
    {
        var service = _rubric.Service!;
        Assert.Multiple(() =>
        {
            Assert.That(service.Port, Is.EqualTo(9000));
            Assert.That(service.Command, Is.EqualTo(new[] { "python", "-m", "app" }));
            Assert.That(service.Environment, Is.EquivalentTo(new Dictionary<string, string> { ["MODEL_PATH"] = "/models/model.pkl", ["WORKERS"] = "4" }));
            Assert.That(service.ReadinessPath, Is.EqualTo("/ready"));
            Assert.That(service.ReadinessTimeout, Is.EqualTo(TimeSpan.FromSeconds(90)));
            Assert.That(service.RestartPolicy, Is.EqualTo("always"));
            Assert.That(service.Gpu, Is.False);
            Assert.That(_rubric.Limits, Is.EqualTo(new SandboxLimits
            {
                Memory = new ByteSize(2L << 30), Cpus = 1.5, Pids = 128, TmpSize = new ByteSize(64L << 20), MaxOutput = new ByteSize(2L << 20), Timeout = TimeSpan.FromMinutes(15),
            }));
        });
    }

    [Test]
    public void LoadFile_EveryCheck_ReadsCriterionFieldsAndLocations()
    {
        var size = _rubric.Criteria.Single(c => c.Id == "image-size");
        var builds = _rubric.Criteria[0];
        Assert.Multiple(() =>
        {
            Assert.That(_rubric.Criteria.Select(c => c.Id), Is.EqualTo(new[]
            {
                "builds", "image-size", "image-config", "unit-tests", "shell-tests", "predict", "metrics", "latency", "bench", "gpu-use", "recovers", "runbook", "dockerfile", "quiz",
            }));
            Assert.That(builds.Gate, Is.True);
            Assert.That(size.Gate, Is.False);
            Assert.That(size.Title, Is.EqualTo("Docker image under 2 GB"));
            Assert.That(size.Points, Is.EqualTo(10));
            Assert.That(size.Feedback, Is.EqualTo(new FeedbackTemplates { Met = "Image is {size}, under the {max} limit.", NotMet = "Image is {size}; the limit is {max}.", Hint = "See lab 2." }));
            Assert.That(size.Evidence, Is.EqualTo(new[] { new EvidenceSpec("infrastructure-automation", ProficiencyLevel.Proficient) }));
            Assert.That(builds.Location, Is.EqualTo(new SourceLocation(_path, 44, 5)));
            Assert.That(builds.Check.Location, Is.EqualTo(new SourceLocation(_path, 49, 7)));
            Assert.That(size.Location, Is.EqualTo(new SourceLocation(_path, 52, 5)));
        });
    }

    [Test]
    public void LoadFile_BuildAndImageSize_ReadsFieldsAndCredit()
    {
        Assert.Multiple(() =>
        {
            Assert.That(Check<BuildCheck>("builds") with { Location = null }, Is.EqualTo(new BuildCheck { MaxTime = TimeSpan.FromMinutes(5), Dockerfile = "docker/Dockerfile", Context = "service" }));
            // Build measures seconds: durations in its credit become seconds.
            Assert.That(_rubric.Criteria[0].Credit, Is.EqualTo(new LinearCredit(600, 120)));
            Assert.That(Check<ImageSizeCheck>("image-size") with { Location = null }, Is.EqualTo(new ImageSizeCheck { Max = new ByteSize(2_000_000_000), ShowLayers = 3 }));
            Assert.That(_rubric.Criteria[1].Credit, Is.EqualTo(new ThresholdCredit(1_500_000_000, HigherIsBetter: false)));
        });
    }

    [Test]
    public void LoadFile_ImageConfig_ReadsRequirementsWithPortsNormalisedToTheEnginesSpelling()
    {
        Assert.That(Check<ImageConfigCheck>("image-config"), Is.EqualTo(new ImageConfigCheck
        {
            NonRoot = true,
            Healthcheck = true,
            Exposes = ["8000/tcp", "9090/tcp"],
            Location = Check<ImageConfigCheck>("image-config").Location,
        }).Using<ImageConfigCheck>((a, b) => a.NonRoot == b.NonRoot && a.Healthcheck == b.Healthcheck && a.Exposes.SequenceEqual(b.Exposes)));
    }

    [Test]
    public void LoadFile_Tests_ReadsCommandReportHiddenAndSteppedCredit()
    {
        var tests = Check<TestsCheck>("unit-tests");
        var shell = Check<TestsCheck>("shell-tests");
        var credit = (SteppedCredit)_rubric.Criteria.Single(c => c.Id == "unit-tests").Credit!;
        Assert.Multiple(() =>
        {
            Assert.That(tests.Command, Is.EqualTo(new[] { "pytest", "-q", "--junitxml=/grader/results/junit.xml" }));
            Assert.That(tests.Report, Is.EqualTo(TestReportFormat.JUnit));
            Assert.That(tests.ReportPath, Is.EqualTo("/grader/results/junit.xml"));
            Assert.That(tests.MinPassRatio, Is.EqualTo(0.9).Within(1e-12));
            Assert.That(tests.MinTests, Is.EqualTo(5));
            Assert.That(tests.Timeout, Is.EqualTo(TimeSpan.FromMinutes(3)));
            Assert.That(tests.WorkingDirectory, Is.EqualTo("/app"));
            Assert.That(tests.Gpu, Is.False);
            Assert.That(tests.Hidden, Is.EqualTo(new HiddenTestsSpec("hidden/mod-999", null, null, null, "/grader/tests")));
            Assert.That(shell.Command, Is.EqualTo(new[] { "/bin/sh", "-c", "./smoke.sh && echo done" }));
            Assert.That(shell.Report, Is.EqualTo(TestReportFormat.ExitCode));
            Assert.That(shell.Hidden, Is.EqualTo(new HiddenTestsSpec(null, "https://github.com/org/hidden.git", "main", "mod-999")
            {
                Image = "grader/python:3.11-bookworm",
                Service = true,
                Submission = true,
                Show = HiddenTestVisibility.Messages,
            }));
            Assert.That((tests.NeedsService, shell.NeedsService), Is.EqualTo((false, true)), "hidden tests that probe the service need it started");
            Assert.That(credit.HigherIsBetter, Is.True);
            Assert.That(credit.Steps, Is.EqualTo(new[] { new CreditStep(0.9, 1.0), new CreditStep(0.7, 0.6) }));
        });
    }

    [Test]
    public void LoadFile_HttpProbeAndMetrics_ReadsRequestExpectationsAndRequirements()
    {
        var probe = Check<HttpProbeCheck>("predict");
        var metrics = Check<MetricsCheck>("metrics");
        Assert.Multiple(() =>
        {
            Assert.That(probe.Method, Is.EqualTo("POST"));
            Assert.That(probe.Path, Is.EqualTo("/predict"));
            Assert.That(probe.Body, Is.EqualTo("{\"features\": [1, 2, 3, 4]}"));
            Assert.That(probe.Headers, Is.EquivalentTo(new Dictionary<string, string> { ["Content-Type"] = "application/json" }));
            Assert.That(probe.ExpectStatus, Is.EqualTo(201));
            Assert.That(probe.ExpectJson, Is.EquivalentTo(new Dictionary<string, string> { ["status"] = "ok", ["prediction"] = "*" }));
            Assert.That(probe.ExpectBodyRegex, Is.EqualTo("prediction"));
            Assert.That(probe.MaxLatency, Is.EqualTo(TimeSpan.FromMilliseconds(500)));
            Assert.That(probe.NeedsService, Is.True);
            Assert.That(_rubric.Criteria.Single(c => c.Id == "predict").Credit, Is.EqualTo(new LinearCredit(500, 100)));
            Assert.That(metrics.Path, Is.EqualTo("/prom"));
            Assert.That(metrics.Require.Select(m => (m.Name, m.Type, string.Join(",", m.Labels))), Is.EqualTo(new[]
            {
                ("http_requests_total", (string?)"counter", "method,status"), ("predictions_total", null, ""),
            }));
            Assert.That(metrics.Increases, Is.EqualTo(new[] { new IncreasingMetric("predictions_total", "POST", "/predict", "{\"features\": [1,2,3,4]}", 5) }));
            Assert.That(_rubric.Criteria.Single(c => c.Id == "metrics").Credit, Is.EqualTo(new ThresholdCredit(0.5, true)));
        });
    }

    [Test]
    public void LoadFile_Load_ReadsModeThresholdsAndBaseline()
    {
        var load = Check<LoadCheck>("latency");
        var credit = (SteppedCredit)_rubric.Criteria.Single(c => c.Id == "latency").Credit!;
        Assert.Multiple(() =>
        {
            Assert.That(load.Method, Is.EqualTo("POST"));
            Assert.That(load.Path, Is.EqualTo("/predict"));
            Assert.That(load.Mode, Is.EqualTo(LoadMode.Open));
            Assert.That(load.Rate, Is.EqualTo(50));
            Assert.That(load.Duration, Is.EqualTo(TimeSpan.FromSeconds(20)));
            Assert.That(load.Warmup, Is.EqualTo(TimeSpan.Zero));
            Assert.That(load.Repetitions, Is.EqualTo(2));
            Assert.That(load.MaxP50, Is.EqualTo(TimeSpan.FromMilliseconds(50)));
            Assert.That(load.MaxP95, Is.EqualTo(TimeSpan.FromMilliseconds(200)));
            Assert.That(load.MaxP99, Is.EqualTo(TimeSpan.FromMilliseconds(500)));
            Assert.That(load.MaxErrorRate, Is.EqualTo(0.01).Within(1e-12));
            Assert.That(load.MinThroughput, Is.EqualTo(40));
            Assert.That(load.Baseline!.Path, Is.EqualTo("baselines/mod-999-load.json"));
            Assert.That(load.Baseline.Tolerance, Is.EqualTo(0.15).Within(1e-12));
            Assert.That(credit.HigherIsBetter, Is.False);
            Assert.That(credit.Steps, Is.EqualTo(new[] { new CreditStep(200, 1.0), new CreditStep(400, 0.5) }));
        });
    }

    [Test]
    public void LoadFile_BenchmarkAndGpu_ReadsFieldsAndUnits()
    {
        var bench = Check<BenchmarkCheck>("bench");
        var gpu = Check<GpuCheck>("gpu-use");
        Assert.Multiple(() =>
        {
            Assert.That(bench.Command, Is.EqualTo(new[] { "python", "bench.py", "--json", "/grader/out/bench.json" }));
            Assert.That(bench.Format, Is.EqualTo(BenchmarkFormat.PytestBenchmark));
            Assert.That(bench.Output, Is.EqualTo("/grader/out/bench.json"));
            Assert.That(bench.Benchmark, Is.EqualTo("predict_batch"));
            Assert.That(bench.Metric, Is.EqualTo("p95"));
            Assert.That(bench.HigherIsBetter, Is.False);
            Assert.That(bench.Threshold, Is.EqualTo(0.05));
            Assert.That(bench.Repetitions, Is.EqualTo(5));
            Assert.That(bench.Timeout, Is.EqualTo(TimeSpan.FromMinutes(20)));
            Assert.That(bench.Gpu, Is.True);
            Assert.That(bench.NeedsGpu, Is.True);
            Assert.That(bench.Baseline, Is.EqualTo(new BaselineSpec("baselines/mod-999-bench.json", 0.10)));
            Assert.That(gpu.During, Is.EqualTo("benchmark"));
            Assert.That(gpu.MaxMemory, Is.EqualTo(new ByteSize(8_000_000_000)));
            Assert.That(gpu.MinUtilization, Is.EqualTo(0.5));
            Assert.That(gpu.SampleInterval, Is.EqualTo(TimeSpan.FromMilliseconds(100)));
            Assert.That(_rubric.Criteria.Single(c => c.Id == "gpu-use").Credit, Is.EqualTo(new ThresholdCredit(6_000_000_000, false)));
        });
    }

    [Test]
    public void LoadFile_RecoveryFilesDockerfileQuiz_ReadsFields()
    {
        var files = Check<FilesCheck>("runbook");
        Assert.Multiple(() =>
        {
            Assert.That(Check<RecoveryCheck>("recovers") with { Location = null }, Is.EqualTo(new RecoveryCheck { Fault = RecoveryFault.KillContainer, Slo = TimeSpan.FromSeconds(30), HealthPath = "/healthz" }));
            Assert.That(_rubric.Criteria.Single(c => c.Id == "recovers").Credit, Is.EqualTo(new LinearCredit(60_000, 10_000)));
            Assert.That(files.Require[0].Path, Is.EqualTo("RUNBOOK.md"));
            Assert.That(files.Require[0].Sections, Is.EqualTo(new[] { "Alerts", "Diagnosis", "Mitigation", "Escalation" }));
            Assert.That(files.Require[0].MinWords, Is.EqualTo(150));
            Assert.That(files.Require[1].Path, Is.EqualTo("docs/SLO.md"));
            Assert.That(files.Require[1].Sections, Is.Empty);
            Assert.That(Check<DockerfileCheck>("dockerfile") with { Location = null }, Is.EqualTo(new DockerfileCheck { Path = "service/Dockerfile", PinnedBase = true, NonRootUser = false, Healthcheck = true, NoSecrets = true }));
            Assert.That(_rubric.Criteria.Single(c => c.Id == "dockerfile").Credit, Is.EqualTo(new ThresholdCredit(0.75, true)));
            Assert.That(Check<QuizCheck>("quiz") with { Location = null }, Is.EqualTo(new QuizCheck { Answers = "quiz/mine.yaml", Key = "keys/mod-999-quiz.yaml", PassMark = 0.8 }));
        });
    }

    [Test]
    public void LoadFile_MinimalRubric_AppliesDefaults()
    {
        var result = RubricLoader.LoadFile(TestFiles.Data("Loading", "Valid", "minimal.yaml"));
        Assert.That(result.Diagnostics, Is.Empty, string.Join("\n", result.Diagnostics));
        var rubric = result.Rubric!;
        Assert.Multiple(() =>
        {
            Assert.That(rubric.PassMark, Is.EqualTo(0.7));
            Assert.That(rubric.TotalPoints, Is.Null);
            Assert.That(rubric.Review, Is.EqualTo(new ReviewPolicy()));
            Assert.That(rubric.Service, Is.Null);
            Assert.That(rubric.Limits, Is.EqualTo(new SandboxLimits()));
            Assert.That(rubric.Criteria.Single().Check with { Location = null }, Is.EqualTo(new BuildCheck()));
            Assert.That(rubric.Criteria.Single().Credit, Is.Null);
        });
    }
}
