using System.CommandLine;
using Grader.Cli.Commands;
using Grader.Runner.Checkout;
using Grader.Runner.Docker;
using Grader.Runner.Results;
using Grader.Testing.GitHub;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging.Abstractions;
using Spectre.Console;

namespace Grader.Cli.Tests.Grade;

/// <summary><c>grader grade</c> in process, against the real Docker engine with busybox submissions.</summary>
[TestFixture]
[Category("Integration")]
public sealed class GradeCommandTests
{
    private const string Dockerfile = "FROM grader/busybox:1\nCOPY hello.txt /hello.txt\nCMD [\"cat\", \"/hello.txt\"]\n";

    private string _root = null!;
    private string _runnerId = null!;
    private IConfiguration _configuration = null!;
    private StringWriter _output = null!;
    private IAnsiConsole _console = null!;

    [SetUp]
    public void SetUp()
    {
        _runnerId = "test-cli-" + Guid.NewGuid().ToString("n")[..10];
        _root = Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), "grader-cli-" + _runnerId)).FullName;
        _configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Grader:Runner:RunnerId"] = _runnerId,
            ["Grader:Runner:WorkRoot"] = Path.Combine(_root, "work"),
            ["Grader:Runner:MirrorCache"] = Path.Combine(_root, "mirrors"),
        }).Build();
        _output = new StringWriter();
        _console = GradeCommand.ConsoleFor(_output);
    }

    [TearDown]
    public async Task TearDown()
    {
        using var docker = DockerClientFactory.Create();
        await new JobJanitor(docker, NullLogger<JobJanitor>.Instance).SweepAsync(_runnerId, includeReusableImages: true, CancellationToken.None);
        _output.Dispose();
        Directory.Delete(_root, recursive: true);
    }

    private string Write(string relative, string content)
    {
        var path = Path.Combine(_root, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, content);
        return path;
    }

    private string Rubric(string maxSize) => Write("rubric.yaml", $"""
        module: {"{"} id: CLI-1, title: CLI test {"}"}
        competencies:
          containers: {"{"} name: Containers, level: Working {"}"}
        criteria:
          - id: build
            title: The image builds
            points: 50
            gate: true
            check: {"{"} build: {"{"} max_time: 2m {"}"} {"}"}
          - id: size
            title: Small image
            points: 50
            check: {"{"} image_size: {"{"} max: {maxSize} {"}"} {"}"}
        """);

    private string Submission()
    {
        Write("submission/Dockerfile", Dockerfile);
        Write("submission/hello.txt", "hello");
        return Path.Combine(_root, "submission");
    }

    private GradeSettings Settings(string rubric, string submission, string? sha = null) =>
        new(rubric, submission, sha, null, null, Path.Combine(_root, "out"), null);

    [Test]
    public async Task RunAsync_LateSubmissionWithHiddenCriterion_ShowsThePenaltyAndNothingOfTheHiddenCriterion()
    {
        using (var docker = DockerClientFactory.Create()) await BaseImages.EnsureBusyboxAsync(docker, CancellationToken.None);
        var rubric = Write("late.yaml", """
            module: { id: CLI-1, title: CLI test }
            competencies:
              containers: { name: Containers, level: Working }
            deadline:
              due: 2026-12-15T23:59
              time_zone: Europe/Berlin
              late_policy: { penalty: 10%, per: day, floor: 50% }
            criteria:
              - { id: build, title: The image builds, points: 60, check: { build: { max_time: 2m } } }
              - { id: zanzibar-secret, title: Zanzibar secret size, points: 40, visibility: hidden, check: { image_size: { max: 1kB } } }
            """);
        var settings = Settings(rubric, Submission()) with { SubmittedAt = new DateTimeOffset(2026, 12, 17, 1, 0, 0, TimeSpan.Zero) };

        var exit = await GradeCommandHandler.RunAsync(settings, _console, _configuration, CancellationToken.None);

        var json = await File.ReadAllTextAsync(Path.Combine(_root, "out", "result.json"));
        var result = ResultJson.Deserialize(json);
        var review = await File.ReadAllTextAsync(Path.Combine(_root, "out", "review.md"));
        var output = _output.ToString();
        Assert.Multiple(() =>
        {
            Assert.That(exit, Is.EqualTo(GradeExitCodes.Failed), output);
            Assert.That(review, Does.Contain("**Late work** — raw score 60/100, late penalty −12 (20%), final score 48/100."));
            Assert.That(result.LateWork!.FinalPoints, Is.EqualTo(48));
            Assert.That(result.Verdict.Max, Is.EqualTo(100), "the hidden criterion counts");
            foreach (var text in new[] { review, json, output })
            {
                Assert.That(text, Does.Not.Contain("Zanzibar").And.Not.Contain("zanzibar"));
                Assert.That(text, Does.Contain("instructor-only criteria"));
            }
        });
    }

    // Any spelling of the submission folder grades the same (shell completion adds the trailing slash).
    [TestCase("")]
    [TestCase("/")]
    [TestCase("/.")]
    [TestCase("/../submission//")]
    public async Task RunAsync_PassingSubmission_WritesReviewAndResultJsonAndExits0(string spelling)
    {
        using (var docker = DockerClientFactory.Create()) await BaseImages.EnsureBusyboxAsync(docker, CancellationToken.None);

        var exit = await GradeCommandHandler.RunAsync(Settings(Rubric("50MB"), Submission() + spelling), _console, _configuration, CancellationToken.None);

        var result = await ResultJson.ReadFileAsync(Path.Combine(_root, "out", "result.json"), CancellationToken.None);
        var review = await File.ReadAllTextAsync(Path.Combine(_root, "out", "review.md"));
        var output = _output.ToString();
        Assert.Multiple(() =>
        {
            Assert.That(exit, Is.EqualTo(GradeExitCodes.Passed), output);
            Assert.That(result.Verdict.Passed, Is.True);
            Assert.That(result.Criteria.Select(c => c.Outcome), Is.All.EqualTo("met"));
            Assert.That(result.RunnerId, Is.EqualTo(_runnerId));
            Assert.That(review, Does.Contain("Small image"));
            Assert.That(output, Does.Contain("build: succeeded"), "plain progress lines when not on a terminal");
            Assert.That(output, Does.Contain("Small image"), "the rubric table");
            Assert.That(output, Does.Contain(result.Verdict.Summary));
        });
    }

    [Test]
    public async Task RunAsync_WithRecord_AppendsASignedRecordWithRubricHashAndImage()
    {
        using (var docker = DockerClientFactory.Create()) await BaseImages.EnsureBusyboxAsync(docker, CancellationToken.None);
        var store = Path.Combine(_root, "evidence.db");
        var rubric = Rubric("50MB");

        var exit = await GradeCommandHandler.RunAsync(Settings(rubric, Submission()) with { RecordStore = store, Learner = "octo-learner" }, _console, _configuration, CancellationToken.None);

        Assert.That(exit, Is.EqualTo(GradeExitCodes.Passed), _output.ToString());
        await using var db = await Grader.Evidence.Store.EvidenceDatabase.OpenAsync(Grader.Evidence.Database.DatabaseLocation.Parse(store), null, CancellationToken.None);
        var record = (await db.Records.QueryAsync(new Grader.Evidence.Store.EvidenceQuery { WithJson = true }, CancellationToken.None).ToListAsync()).Single().Record();
        var loaded = Grader.Rubrics.Loading.RubricLoader.LoadFile(rubric).Rubric!;
        Assert.Multiple(() =>
        {
            Assert.That(record.Learner.Login, Is.EqualTo("octo-learner"));
            Assert.That(record.Submission.Repository, Is.EqualTo(Path.Combine(_root, "submission")));
            Assert.That(record.Rubric.ContentHash, Is.EqualTo(Grader.Evidence.Recording.EvidenceRecordFactory.RubricHash(loaded)).And.StartWith("sha256:"));
            Assert.That(record.Runner.ImageDigest, Does.StartWith("sha256:"));
            Assert.That(record.Runner.Id, Is.EqualTo(_runnerId));
            Assert.That(record.Criteria.Select(c => (c.Id, c.Outcome)), Is.EqualTo(new[] { ("build", "met"), ("size", "met") }));
            Assert.That(record.Competencies, Is.Empty, "no criterion of this rubric yields evidence");
            Assert.That(_output.ToString(), Does.Contain("Recorded evidence " + record.RecordId));
        });
    }

    [Test]
    public async Task RunAsync_ImageOverTheLimit_Exits1WithFailedVerdict()
    {
        using (var docker = DockerClientFactory.Create()) await BaseImages.EnsureBusyboxAsync(docker, CancellationToken.None);

        var exit = await GradeCommandHandler.RunAsync(Settings(Rubric("1kB"), Submission()), _console, _configuration, CancellationToken.None);

        var result = await ResultJson.ReadFileAsync(Path.Combine(_root, "out", "result.json"), CancellationToken.None);
        Assert.Multiple(() =>
        {
            Assert.That(exit, Is.EqualTo(GradeExitCodes.Failed), _output.ToString());
            Assert.That(result.Verdict.Passed, Is.False);
            Assert.That(result.Criteria.Single(c => c.Id == "size").Outcome, Is.EqualTo("not_met"));
        });
    }

    [Test]
    public async Task RunAsync_RubricWithErrors_PrintsLocatedDiagnosticsAndExits2()
    {
        var rubric = Write("bad.yaml", "module: { id: CLI-1, title: Bad }\ncompetencies: {}\ncriteria:\n  - id: x\n    title: X\n    points: 5\n    check: { no_such_check: {} }\n");

        var exit = await GradeCommandHandler.RunAsync(Settings(rubric, Submission()), _console, _configuration, CancellationToken.None);

        Assert.Multiple(() =>
        {
            Assert.That(exit, Is.EqualTo(GradeExitCodes.IncompleteOrUsage));
            Assert.That(_output.ToString(), Does.Match(@"bad\.yaml:7:\d+: error: "));
            Assert.That(File.Exists(Path.Combine(_root, "out", "result.json")), Is.False);
        });
    }

    [Test]
    public async Task RunAsync_ShaWithPlainFolder_IsUsageErrorExit2()
    {
        var exit = await GradeCommandHandler.RunAsync(Settings(Rubric("50MB"), Submission(), sha: "abc123"), _console, _configuration, CancellationToken.None);

        Assert.Multiple(() =>
        {
            Assert.That(exit, Is.EqualTo(GradeExitCodes.IncompleteOrUsage));
            Assert.That(_output.ToString(), Does.Contain("need a git repository"));
        });
    }

    [TestCase("--sha", "0123456789abcdef0123456789abcdef01234567")]
    [TestCase("--ref", "no-such-branch")]
    public async Task RunAsync_RevisionNotInTheRepository_UsageErrorExit2AndNoReview(string option, string revision)
    {
        var repository = Submission();
        using (var repo = new LibGit2Sharp.Repository(LibGit2Sharp.Repository.Init(repository)))
        {
            LibGit2Sharp.Commands.Stage(repo, "*");
            var me = new LibGit2Sharp.Signature("Learner", "learner@example.com", DateTimeOffset.UnixEpoch);
            repo.Commit("lab", me, me, new LibGit2Sharp.CommitOptions());
        }
        var settings = option == "--sha" ? Settings(Rubric("50MB"), repository, sha: revision) : Settings(Rubric("50MB"), repository) with { Ref = revision };

        var exit = await GradeCommandHandler.RunAsync(settings, _console, _configuration, CancellationToken.None);

        Assert.Multiple(() =>
        {
            Assert.That(exit, Is.EqualTo(GradeExitCodes.IncompleteOrUsage));
            Assert.That(_output.ToString(), Does.Contain($"{option} {revision}: no such commit, branch or tag"));
            Assert.That(File.Exists(Path.Combine(_root, "out", "review.md")), Is.False, "a typo is not graded, so no review blames the grader");
        });
    }

    [Test]
    public async Task InvokeAsync_GradeWithoutRubricOption_IsUsageErrorExit2()
    {
        using var output = new StringWriter();
        using var error = new StringWriter();

        var exit = await GraderCommand.InvokeAsync(["grade", Submission()], new InvocationConfiguration { Output = output, Error = error });

        Assert.Multiple(() =>
        {
            Assert.That(exit, Is.EqualTo(GraderCommand.UsageError));
            Assert.That(error.ToString(), Does.Contain("--rubric"));
        });
    }

    [Test]
    [Category("Hostile")]
    public async Task RunAsync_InsideActionsWithWorkflowCommandsInBuildTestsAndReport_RunnerCarriesOutNone()
    {
        using (var docker = DockerClientFactory.Create()) await BaseImages.EnsureBusyboxAsync(docker, CancellationToken.None);
        var rubric = Write("injection-rubric.yaml", """
            module: { id: CLI-INJ, title: Injection }
            competencies:
              containers: { name: Containers, level: Working }
            criteria:
              - id: build
                title: The image builds
                points: 50
                check: { build: { max_time: 2m } }
              - id: tests
                title: Tests pass
                points: 50
                check:
                  tests: { command: ["sh", "/src/test.sh"], report: junit, report_path: /grader/results/junit.xml, timeout: 1m }
            """);
        Write("injection/Dockerfile", "FROM grader/busybox:1\nCOPY . /src\nRUN echo '::add-mask::x' '##[set-output name=passed;]true' && sh /src/inject.sh\nCMD [\"sh\"]\n");
        Write("injection/inject.sh", WorkflowCommandInjection.ShellScript());
        Write("injection/test.sh", "sh /src/inject.sh\ncat > /grader/results/junit.xml <<'EOF'\n"
            + "<testsuite><testcase classname=\"::error file=a,line=1::forged\" name=\"::add-mask::x\"><failure message=\"&#13;::set-output name=passed::true\">x</failure></testcase></testsuite>\nEOF\n");
        var (console, workflowLog) = GradeCommand.ConsoleFor(_output, insideActions: true);

        int exit;
        using (workflowLog)
        {
            exit = await GradeCommandHandler.RunAsync(Settings(rubric, Path.Combine(_root, "injection")), console, _configuration, CancellationToken.None);
        }

        var output = _output.ToString();
        var runner = ActionsRunnerLog.Read(output);
        Assert.Multiple(() =>
        {
            Assert.That(exit, Is.EqualTo(GradeExitCodes.Failed), output);
            Assert.That(output, Does.Contain("::add-mask::x").And.Contain("## [set-output name=passed;]true"), "the Dockerfile's step line reached the log, as inert text");
            Assert.That(runner.Commands, Is.Empty, output);
            Assert.That(ActionsRunnerLog.Read(output, honourStopCommands: false).Commands, Is.Empty, "each line is inert even for a runner that ignores stop-commands");
            Assert.That(runner.StopTokens, Has.All.StartsWith("grader-"));
            Assert.That(runner.StoppedAtEnd, Is.False, "later steps' commands still work");
        });

        // The host is healthy afterwards: a normal submission still grades.
        Assert.That(await GradeCommandHandler.RunAsync(Settings(Rubric("50MB"), Submission()), _console, _configuration, CancellationToken.None), Is.EqualTo(GradeExitCodes.Passed));
    }

    [Test]
    public void TrySubmission_CloneUrlWithTokenEnvironmentVariable_BuildsRemoteSubmissionWithToken()
    {
        var name = "GRADER_TEST_TOKEN_" + Guid.NewGuid().ToString("n")[..8].ToUpperInvariant();
        Environment.SetEnvironmentVariable(name, "tok-123");
        try
        {
            var ok = GradeCommandHandler.TrySubmission(
                new GradeSettings("r.yaml", "https://github.com/org/lab.git", "abc", "main", null, "out", name), out var source, out var error);

            Assert.Multiple(() =>
            {
                Assert.That(ok, Is.True, error);
                Assert.That(source, Is.EqualTo(new RemoteRepositorySubmission(new Uri("https://github.com/org/lab.git"), "main", "abc", "tok-123")));
                Assert.That(source!.Describe(), Does.Not.Contain("tok-123"));
            });
        }
        finally
        {
            Environment.SetEnvironmentVariable(name, null);
        }
    }
}
