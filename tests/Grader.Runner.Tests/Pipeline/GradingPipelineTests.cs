using Grader.Rubrics.Model;
using Grader.Rubrics.Results;
using Grader.Rubrics.Scoring;
using Grader.Runner.Checkout;
using Grader.Runner.Checks;
using Grader.Runner.Docker;
using Grader.Runner.Pipeline;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Grader.Runner.Tests.Pipeline;

[TestFixture]
[Category("Integration")]
public sealed class GradingPipelineTests
{
    private const string BusyboxDockerfile = "FROM grader/busybox:1\nCOPY hello.txt /hello.txt\nCMD [\"cat\", \"/hello.txt\"]\n";

    private const string SizeCriterion = """
          - id: size
            title: Small image
            points: 10
            check: { image_size: { max: 50MB } }
        """;

    [Test]
    public async Task RunAsync_DockerfileDoesNotBuild_ImageCriteriaAreNotRunWithTheBuildError()
    {
        await using var harness = new PipelineHarness();
        await harness.EnsureBusyboxAsync();
        var folder = harness.Submission("broken", ("Dockerfile", "FROM grader/busybox:1\nRUN exit 3\n"));

        var run = await harness.Pipeline.RunAsync(harness.Request(PipelineHarness.Rubric(SizeCriterion), folder), null, CancellationToken.None);

        var size = run.Results.Single();
        Assert.Multiple(() =>
        {
            Assert.That(size.Status, Is.EqualTo(CheckStatus.NotRun));
            Assert.That(size.Message, Does.StartWith("the image did not build"));
            Assert.That(run.Review.Incomplete, Is.False, "a build failure is the learner's, not the grader's");
            Assert.That(run.Review.Criteria.Single().Outcome, Is.EqualTo(CriterionOutcome.NotMet));
            Assert.That(run.Steps.Single(s => s.Step == GradingSteps.Build).Status, Is.EqualTo(StepStatus.Failed));
        });
        Assert.That(await harness.LeftoversAsync(), Is.EqualTo((0, 0, 0)));
    }

    [Test]
    public async Task RunAsync_DockerEngineUnreachable_ImageCriteriaAreGraderErrorsNotFailures()
    {
        await using var harness = new PipelineHarness(settings: new Dictionary<string, string?> { ["Grader:Docker:Endpoint"] = "unix:///tmp/no-docker-here.sock" });
        var folder = harness.Submission("ok", ("Dockerfile", BusyboxDockerfile), ("hello.txt", "hi"));

        var run = await harness.Pipeline.RunAsync(harness.Request(PipelineHarness.Rubric(SizeCriterion), folder), null, CancellationToken.None);

        Assert.Multiple(() =>
        {
            Assert.That(run.Results.Single().Status, Is.EqualTo(CheckStatus.GraderError));
            Assert.That(run.Review.Incomplete, Is.True);
            Assert.That(run.GraderErrors.Select(e => e.Step), Does.Contain(GradingSteps.Build));
            Assert.That(run.Steps.Single(s => s.Step == GradingSteps.Build).Status, Is.EqualTo(StepStatus.GraderError));
        });
    }

    [Test]
    public async Task RunAsync_CheckKindWithoutExecutor_IsGraderErrorNamingTheKind()
    {
        await using var harness = new PipelineHarness(services => services.RemoveAll<ICheckExecutor>());
        var folder = harness.Submission("docs", ("README.md", "# Hi\n"));
        var rubric = PipelineHarness.Rubric("""
              - id: docs
                title: Docs
                points: 5
                check: { files: { require: [README.md] } }
            """);

        var run = await harness.Pipeline.RunAsync(harness.Request(rubric, folder), null, CancellationToken.None);

        Assert.Multiple(() =>
        {
            Assert.That(run.Results.Single().Status, Is.EqualTo(CheckStatus.GraderError));
            Assert.That(run.Results.Single().Message, Does.Contain("'files'"));
            Assert.That(run.Steps.Any(s => s.Step == GradingSteps.Build), Is.False, "a files-only rubric needs no image");
        });
    }

    [Test]
    public async Task RunAsync_GpuCriterionOnRunnerWithoutGpu_IsGraderErrorNoGpu()
    {
        await using var harness = new PipelineHarness(services => services.RemoveAll<ICheckExecutor>());
        await harness.EnsureBusyboxAsync();
        var folder = harness.Submission("gpu", ("Dockerfile", BusyboxDockerfile), ("hello.txt", "hi"));
        var rubric = PipelineHarness.Rubric("""
              - id: gpu-memory
                title: GPU memory
                points: 5
                check: { gpu: { during: tests, max_memory: 8GB } }
            """);

        var run = await harness.Pipeline.RunAsync(harness.Request(rubric, folder), null, CancellationToken.None);

        Assert.Multiple(() =>
        {
            Assert.That(run.Results.Single().Status, Is.EqualTo(CheckStatus.GraderError));
            Assert.That(run.Results.Single().Message, Does.StartWith("no GPU on this runner"));
            Assert.That(run.Review.Incomplete, Is.True);
        });
    }

    [Test]
    public async Task RunAsync_GpuRunnerWithStandInNvml_SamplesTheTestsStepAndGradesTheGpuCriterion()
    {
        var nvml = Gpu.FakeNvml.NewLibrary(devices: 1);
        await using var harness = new PipelineHarness(settings: new Dictionary<string, string?> { ["Grader:Gpu:LibraryPath"] = nvml });
        await harness.EnsureBusyboxAsync();
        var folder = harness.Submission("gpu-sampled", ("Dockerfile", BusyboxDockerfile), ("hello.txt", "hi"));
        var rubric = PipelineHarness.Rubric("""
              - id: tests
                title: Tests pass
                points: 5
                check: { tests: { command: ["cat", "/hello.txt"], report: exit_code, timeout: 1m } }
              - id: gpu-memory
                title: GPU memory while testing
                points: 5
                check: { gpu: { during: tests, max_memory: 8GB, sample_interval: 1h } }
            """);

        var run = await harness.Pipeline.RunAsync(harness.Request(rubric, folder), null, CancellationToken.None);

        var gpu = run.Results.Single(r => r.CriterionId == "gpu-memory");
        Assert.Multiple(() =>
        {
            Assert.That(gpu.Status, Is.EqualTo(CheckStatus.Passed), gpu.Message);
            // The stand-in's memory grows 256 MiB per reading from 1 GiB (the inventory took the first reading):
            // the samples at the start and the end of the tests step peak at 1.5 GiB.
            Assert.That(gpu.Measure, Is.EqualTo((1L << 30) + (512L << 20)));
            Assert.That(gpu.Details.Single(), Does.Contain("2 samples").And.Contain("Fake H100"));
            Assert.That(run.Review.Incomplete, Is.False);
        });
    }

    [Test]
    public async Task RunAsync_HiddenTestsInInstructorRepository_FetchedOnTheRunnerAndRunInTheGraderImage()
    {
        await using var harness = new PipelineHarness();
        await harness.EnsureBusyboxAsync();
        var hiddenRepository = Path.Combine(harness.Root, "hidden-tests.git");
        Directory.CreateDirectory(Path.Combine(hiddenRepository, "mod-x"));
        // The hidden check runs in the grader's image and reads the learner's files only as a read-only copy.
        await File.WriteAllTextAsync(Path.Combine(hiddenRepository, "mod-x", "check.sh"), "grep -q hi /grader/submission/hello.txt && ! test -e /build-listing.txt && echo hidden-test-ran\n");
        await GitAsync(hiddenRepository, "init", "-q", "-b", "main");
        await GitAsync(hiddenRepository, "add", ".");
        await GitAsync(hiddenRepository, "-c", "user.name=Instructor", "-c", "user.email=i@example.com", "commit", "-q", "-m", "hidden tests");
        var folder = harness.Submission("hidden-repo", ("Dockerfile", BusyboxDockerfile + "RUN ls -R / > /build-listing.txt 2>/dev/null; true\n"), ("hello.txt", "hi"));
        var rubric = PipelineHarness.Rubric($$"""
              - id: hidden
                title: Hidden tests
                points: 5
                check:
                  tests:
                    command: ["sh", "/grader/hidden/check.sh"]
                    report: exit_code
                    timeout: 1m
                    hidden: { repository: "file://{{hiddenRepository}}", ref: main, subfolder: mod-x, image: "grader/busybox:1", submission: true }
            """);

        var run = await harness.Pipeline.RunAsync(harness.Request(rubric, folder), null, CancellationToken.None);

        var result = run.Results.Single();
        Assert.Multiple(() =>
        {
            Assert.That(result.Status, Is.EqualTo(CheckStatus.Passed), result.Message + string.Join("\n", run.GraderErrors.Select(e => e.Message)));
            Assert.That(run.Steps.Select(s => s.Step), Does.Contain("check:hidden:hidden-tests"));
        });
    }

    [Test]
    public async Task RunAsync_HiddenTestsRepositoryUnreachable_IsGraderErrorNotFailure()
    {
        await using var harness = new PipelineHarness();
        await harness.EnsureBusyboxAsync();
        var folder = harness.Submission("hidden-missing", ("Dockerfile", BusyboxDockerfile), ("hello.txt", "hi"));
        var rubric = PipelineHarness.Rubric($$"""
              - id: hidden
                title: Hidden tests
                points: 5
                check:
                  tests:
                    command: ["true"]
                    report: exit_code
                    hidden: { repository: "file://{{Path.Combine(harness.Root, "no-such-repository.git")}}" }
            """);

        var run = await harness.Pipeline.RunAsync(harness.Request(rubric, folder), null, CancellationToken.None);

        Assert.Multiple(() =>
        {
            Assert.That(run.Results.Single().Status, Is.EqualTo(CheckStatus.GraderError));
            Assert.That(run.GraderErrors.Select(e => e.Message), Has.Some.StartsWith("could not fetch the hidden tests"));
            Assert.That(run.Review.Incomplete, Is.True);
        });
    }

    private static async Task GitAsync(string directory, params string[] arguments)
    {
        using var git = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo("git", arguments) { WorkingDirectory = directory, RedirectStandardError = true })!;
        var errors = await git.StandardError.ReadToEndAsync();
        await git.WaitForExitAsync();
        Assert.That(git.ExitCode, Is.Zero, errors);
    }

    [Test]
    public async Task RunAsync_ExecutorThrows_IsGraderErrorAndOtherCriteriaStillRun()
    {
        await using var harness = new PipelineHarness(services => services.AddSingleton<ICheckExecutor, ThrowingExecutor>());
        await harness.EnsureBusyboxAsync();
        var folder = harness.Submission("ok", ("Dockerfile", BusyboxDockerfile), ("hello.txt", "hi"));
        var rubric = PipelineHarness.Rubric(SizeCriterion);
        rubric = rubric with
        {
            Criteria = [new Criterion { Id = "crash", Title = "Crash", Points = 5, Check = new ThrowingCheck() }, .. rubric.Criteria],
        };

        var run = await harness.Pipeline.RunAsync(harness.Request(rubric, folder), null, CancellationToken.None);

        Assert.Multiple(() =>
        {
            Assert.That(run.Results.Single(r => r.CriterionId == "crash").Status, Is.EqualTo(CheckStatus.GraderError));
            Assert.That(run.Results.Single(r => r.CriterionId == "crash").Message, Does.Contain("executor bug"));
            Assert.That(run.Steps.Select(s => s.Step), Does.Contain(GradingSteps.Check("size")), "the next criterion still ran");
            Assert.That(run.Results.Single(r => r.CriterionId == "size").Message, Does.Not.Contain("executor bug"));
        });
    }

    [Test]
    public async Task RunAsync_UnchangedContextGradedTwice_ReusesTheImageBuiltTheFirstTime()
    {
        await using var harness = new PipelineHarness();
        await harness.EnsureBusyboxAsync();
        var folder = harness.Submission("ok", ("Dockerfile", BusyboxDockerfile), ("hello.txt", "hi"));
        var rubric = PipelineHarness.Rubric(SizeCriterion);

        var first = await harness.Pipeline.RunAsync(harness.Request(rubric, folder), null, CancellationToken.None);
        var second = await harness.Pipeline.RunAsync(harness.Request(rubric, folder), null, CancellationToken.None);
        File.WriteAllText(Path.Combine(folder, "hello.txt"), "changed");
        var third = await harness.Pipeline.RunAsync(harness.Request(rubric, folder), null, CancellationToken.None);

        Assert.Multiple(() =>
        {
            Assert.That(first.ImageReused, Is.False);
            Assert.That(second.ImageReused, Is.True);
            Assert.That(third.ImageReused, Is.False, "a changed file is a new context");
            Assert.That(second.Results.Single().Status, Is.EqualTo(first.Results.Single().Status));
        });
        Assert.That(await harness.LeftoversAsync(), Is.EqualTo((0, 0, 0)), "job images are removed; only reusable ones stay");
    }

    [Test]
    public async Task RunAsync_ImageOverRubricSizeMax_NeverKeptForReuse()
    {
        await using var harness = new PipelineHarness();
        await harness.EnsureBusyboxAsync();
        // 2 MB of busybox plus 1 MB of data: over a 2 MB image_size maximum.
        var folder = harness.Submission("big", ("Dockerfile", "FROM grader/busybox:1\nRUN head -c 1000000 /dev/zero > /blob\n"));
        var rubric = PipelineHarness.Rubric(SizeCriterion.Replace("50MB", "2MB", StringComparison.Ordinal));

        var first = await harness.Pipeline.RunAsync(harness.Request(rubric, folder), null, CancellationToken.None);
        var second = await harness.Pipeline.RunAsync(harness.Request(rubric, folder), null, CancellationToken.None);

        Assert.Multiple(() =>
        {
            Assert.That(first.Results.Single().Status, Is.EqualTo(CheckStatus.Failed), "the image is over the rubric's maximum");
            Assert.That(second.ImageReused, Is.False, "an image that fails its size criterion is rebuilt, never kept");
        });
        var reusable = await harness.Docker.Images.ListImagesAsync(new global::Docker.DotNet.Models.ImagesListParameters
        {
            Filters = new Dictionary<string, IDictionary<string, bool>> { ["reference"] = new Dictionary<string, bool> { [$"{ImageReuse.Repository}/{ImageReuse.SafeName(harness.RunnerId)}"] = true } },
        });
        Assert.That(reusable, Is.Empty);
    }

    [Test]
    public async Task RunAsync_BaseTagRepointedToAnotherImage_BuildsAgainInsteadOfReusing()
    {
        // A base outside Grader's own namespaces, allowed by the runner's base patterns (the builder refuses any other).
        await using var harness = new PipelineHarness(settings: new Dictionary<string, string?>
        {
            ["Grader:Runner:AllowedBaseImages:0"] = "grader/*",
            ["Grader:Runner:AllowedBaseImages:1"] = "rebased-base/*",
        });
        await harness.EnsureBusyboxAsync();
        var baseRepository = "rebased-base/" + harness.RunnerId;
        await harness.Docker.Images.TagImageAsync(global::Grader.Runner.Docker.BaseImages.Busybox, new global::Docker.DotNet.Models.ImageTagParameters { RepositoryName = baseRepository, Tag = "1" });
        try
        {
            var folder = harness.Submission("rebased", ("Dockerfile", $"FROM {baseRepository}:1\nCOPY hello.txt /hello.txt\n"), ("hello.txt", "hi"));
            var rubric = PipelineHarness.Rubric(SizeCriterion);
            var first = await harness.Pipeline.RunAsync(harness.Request(rubric, folder), null, CancellationToken.None);
            var second = await harness.Pipeline.RunAsync(harness.Request(rubric, folder), null, CancellationToken.None);

            // The same tag now names another image (a security fix of the base, say): same context, new base.
            var labels = global::Grader.Runner.Docker.DockerLabels.For(harness.RunnerId, "base", "test");
            var container = await harness.Docker.Containers.CreateContainerAsync(new global::Docker.DotNet.Models.CreateContainerParameters { Image = global::Grader.Runner.Docker.BaseImages.Busybox, Cmd = ["true"], Labels = labels });
            await harness.Docker.Images.CommitContainerChangesAsync(new global::Docker.DotNet.Models.CommitContainerChangesParameters
            {
                ContainerID = container.ID, RepositoryName = baseRepository, Tag = "1", Config = new global::Docker.DotNet.Models.Config { Labels = labels },
            });
            await harness.Docker.Containers.RemoveContainerAsync(container.ID, new global::Docker.DotNet.Models.ContainerRemoveParameters { Force = true });
            var third = await harness.Pipeline.RunAsync(harness.Request(rubric, folder), null, CancellationToken.None);

            Assert.Multiple(() =>
            {
                Assert.That(first.ImageReused, Is.False);
                Assert.That(second.ImageReused, Is.True, "same context, same base: reused");
                Assert.That(third.ImageReused, Is.False, "same context on a re-pointed base tag is built again");
            });
        }
        finally
        {
            await harness.Docker.Images.DeleteImageAsync(baseRepository + ":1", new global::Docker.DotNet.Models.ImageDeleteParameters { Force = true });
        }
    }

    [Test]
    public async Task RunAsync_CancelledDuringBuild_ThrowsAndLeavesNothingBehind()
    {
        await using var harness = new PipelineHarness();
        await harness.EnsureBusyboxAsync();
        var folder = harness.Submission("slow", ("Dockerfile", "FROM grader/busybox:1\nRUN sleep 120\n"));
        using var cts = new CancellationTokenSource();
        var progress = new CancelOn(GradingSteps.Build, StepStatus.Started, cts);

        Assert.CatchAsync<OperationCanceledException>(() =>
            harness.Pipeline.RunAsync(harness.Request(PipelineHarness.Rubric(SizeCriterion), folder), progress, cts.Token));

        Assert.That(await harness.LeftoversAsync(), Is.EqualTo((0, 0, 0)));
    }

    [Test]
    public async Task RunAsync_CancelledWhileServiceRuns_StopsTheServiceContainer()
    {
        await using var harness = new PipelineHarness();
        await harness.EnsureBusyboxAsync();
        var folder = harness.Submission("svc",
            ("Dockerfile", "FROM grader/busybox:1\nCOPY www /www\nCMD [\"httpd\", \"-f\", \"-p\", \"8080\", \"-h\", \"/www\"]\n"),
            ("www/health", "ok"));
        var rubric = PipelineHarness.Rubric("""
              - id: health
                title: Health
                points: 5
                check: { http_probe: { path: /health } }
            """, "service: { port: 8080, readiness_path: /health, readiness_timeout: 30s }");
        using var cts = new CancellationTokenSource();
        var progress = new CancelOn(GradingSteps.ServiceStart, StepStatus.Succeeded, cts);

        Assert.CatchAsync<OperationCanceledException>(() => harness.Pipeline.RunAsync(harness.Request(rubric, folder), progress, cts.Token));

        Assert.Multiple(async () =>
        {
            Assert.That(progress.Seen, Is.True, "the service started before the cancellation");
            Assert.That(await harness.LeftoversAsync(), Is.EqualTo((0, 0, 0)));
        });
    }

    [Test]
    public async Task RunAsync_ReportsEveryStepStartAndEndWithTimings()
    {
        await using var harness = new PipelineHarness();
        await harness.EnsureBusyboxAsync();
        var folder = harness.Submission("ok", ("Dockerfile", BusyboxDockerfile), ("hello.txt", "hi"));
        var events = new List<GradingProgress>();

        var run = await harness.Pipeline.RunAsync(harness.Request(PipelineHarness.Rubric(SizeCriterion), folder), new ListProgress(events), CancellationToken.None);

        Assert.Multiple(() =>
        {
            Assert.That(run.Steps.Select(s => s.Step), Is.SupersetOf(new[] { GradingSteps.Checkout, GradingSteps.Build, GradingSteps.Inspect, GradingSteps.Cleanup }));
            Assert.That(events.Where(e => e.Status == StepStatus.Started).Select(e => e.Step), Is.SupersetOf(new[] { GradingSteps.Checkout, GradingSteps.Build, GradingSteps.Inspect }));
            Assert.That(events.Single(e => e.Step == GradingSteps.Build && e.Status == StepStatus.Succeeded).Elapsed, Is.GreaterThan(TimeSpan.Zero));
        });
    }

    private const string DocsCriteria = """
          - id: readme
            title: README
            points: 5
            check: { files: { require: [README.md] } }
          - id: notes
            title: Notes
            points: 5
            check: { files: { require: [notes.md] } }
        """;

    [Test]
    public async Task RunAsync_RepositoryOverACheckoutLimit_EveryCriterionNotMetWithTheRefusalNotAGraderError()
    {
        await using var harness = new PipelineHarness(settings: new Dictionary<string, string?> { ["Grader:Runner:Checkout:MaxTotalBytes"] = "1000" });
        var repo = new Checkout.TestGitRepository(Path.Combine(harness.Root, "repo"));
        repo.Commit("big", ("README.md", "# Readme\n"), ("notes.md", new string('x', 2000)));
        var request = new GradingRequest { Rubric = PipelineHarness.Rubric(DocsCriteria), Submission = new LocalRepositorySubmission(repo.Path) };

        var run = await harness.Pipeline.RunAsync(request, null, CancellationToken.None);

        var checkout = run.Steps.Single(s => s.Step == GradingSteps.Checkout);
        Assert.Multiple(() =>
        {
            Assert.That(run.Results.Select(r => r.Status), Is.All.EqualTo(CheckStatus.NotRun));
            Assert.That(run.Results.Select(r => r.Message), Is.All.StartWith("the submission was refused: The submission's files add up to more than 1 kB"));
            Assert.That(run.Review.Criteria.Select(c => c.Outcome), Is.All.EqualTo(CriterionOutcome.NotMet));
            Assert.That(run.Review.Incomplete, Is.False, "a refused submission is the learner's, not the grader's");
            Assert.That(run.GraderErrors, Is.Empty);
            Assert.That(checkout.Status, Is.EqualTo(StepStatus.Failed));
            Assert.That(checkout.Message, Does.Contain("add up to more than 1 kB"));
        });
    }

    [Test]
    public async Task RunAsync_RepositoryWithLinkLeavingTheSubmission_GradesAndNamesTheDroppedLinkInTheCheckoutStep()
    {
        await using var harness = new PipelineHarness();
        var repo = new Checkout.TestGitRepository(Path.Combine(harness.Root, "repo"));
        File.CreateSymbolicLink(Path.Combine(repo.Path, "notes.md"), "/etc/passwd");
        repo.Commit("links", ("README.md", "# Readme\n"));
        var request = new GradingRequest { Rubric = PipelineHarness.Rubric(DocsCriteria), Submission = new LocalRepositorySubmission(repo.Path) };

        var run = await harness.Pipeline.RunAsync(request, null, CancellationToken.None);

        Assert.Multiple(() =>
        {
            Assert.That(run.Results.Single(r => r.CriterionId == "readme").Status, Is.EqualTo(CheckStatus.Passed));
            Assert.That(run.Results.Single(r => r.CriterionId == "notes").Status, Is.EqualTo(CheckStatus.Failed), "the dropped link is not there to read");
            Assert.That(run.Steps.Single(s => s.Step == GradingSteps.Checkout).Status, Is.EqualTo(StepStatus.Succeeded));
            Assert.That(run.Steps.Single(s => s.Step == GradingSteps.Checkout).Message, Does.Contain("link 'notes.md' -> '/etc/passwd' left out: it is an absolute path"));
        });
    }

    private sealed class ListProgress(List<GradingProgress> events) : IProgress<GradingProgress>
    {
        public void Report(GradingProgress value)
        {
            lock (events) events.Add(value);
        }
    }

    /// <summary>Cancels the job when a step reaches a state: the real event, no timing guesses.</summary>
    private sealed class CancelOn(string step, StepStatus status, CancellationTokenSource cts) : IProgress<GradingProgress>
    {
        public bool Seen { get; private set; }

        public void Report(GradingProgress value)
        {
            if (value.Step != step || value.Status != status) return;
            Seen = true;
            cts.Cancel();
        }
    }
}
