using System.Diagnostics;
using System.Text;
using Grader.Rubrics.Model;
using Grader.Rubrics.Results;
using Grader.Runner.Benchmarks.Formats;
using Grader.Runner.Checkout;
using Grader.Runner.Docker;
using Grader.Runner.Documents;
using Grader.Runner.Metrics;
using Grader.Runner.Probes;
using Grader.Runner.Quiz;
using Grader.Runner.Tests.Support;

namespace Grader.Runner.Tests.Hostile;

/// <summary>
/// A poison file for every parser of learner files: each ends in a clear, located learner-facing error (never a
/// crash, never a grader error), within bounded memory, and a normal file still parses afterwards. Parsers that
/// used to hang (quadratic regex, link loops) run under a generous safety timeout; the assertions are on outcomes.
/// </summary>
[TestFixture]
[Category("Hostile")]
public sealed class HostileParserTests
{
    private static readonly TimeSpan SafetyTimeout = TimeSpan.FromMinutes(2);

    private const string QuizKey = "q01: b\nq02: [container, docker container]\n";

    private static async Task<CheckResult> GradeQuizAsync(SubmissionFolder submission)
    {
        submission.WithRubricFile("keys/quiz.yaml", QuizKey);
        var criterion = SubmissionFolder.Criterion(new QuizCheck { Key = "keys/quiz.yaml", Answers = "quiz/answers.yaml", PassMark = 0.5 });
        return await new QuizCheckExecutor().ExecuteAsync(criterion, submission.Context(criterion), CancellationToken.None);
    }

    private static async Task AssertNormalQuizGradesAsync()
    {
        using var normal = new SubmissionFolder().With("quiz/answers.yaml", "q01: b\nq02: container\n");
        var result = await GradeQuizAsync(normal);
        Assert.That(result.Status, Is.EqualTo(CheckStatus.Passed), result.Message);
    }

    /// <summary>A deeply nested answers file of about 240 KB: the size that overflowed the grader's stack.</summary>
    private static string DeepFlowAnswers() => "q01: " + new string('[', 120_000) + new string(']', 120_000) + "\n";

    [Test]
    public async Task Quiz_240KilobyteDeeplyNestedAnswers_LocatedNotMetResult()
    {
        using var submission = new SubmissionFolder().With("quiz/answers.yaml", DeepFlowAnswers());

        var result = await GradeQuizAsync(submission);

        Assert.Multiple(() =>
        {
            Assert.That(result.Status, Is.EqualTo(CheckStatus.Failed));
            Assert.That(result.Message, Is.EqualTo("quiz/answers.yaml:1:13: nested deeper than 8 levels (not a valid answers file)"));
        });
        await AssertNormalQuizGradesAsync();
    }

    [Test]
    public async Task Quiz_DeeplyNestedBlockAndFlowMaps_LocatedNotMetResult()
    {
        var block = new StringBuilder("q01:\n");
        for (var level = 1; level < 600; level++) block.Append(' ', level).Append("k:\n");
        var flow = "q01: " + string.Concat(Enumerable.Repeat("{k: ", 50_000)) + "x" + new string('}', 50_000) + "\n";

        foreach (var (answers, expected) in new[] { (block.ToString(), "quiz/answers.yaml:9:9: nested deeper than 8 levels"), (flow, "quiz/answers.yaml:1:34: nested deeper than 8 levels") })
        {
            using var submission = new SubmissionFolder().With("quiz/answers.yaml", answers);
            var result = await GradeQuizAsync(submission);
            Assert.That(result.Message, Does.StartWith(expected));
        }
        await AssertNormalQuizGradesAsync();
    }

    [Test]
    public async Task Quiz_AliasBomb_RefusedAtTheFirstAlias()
    {
        var bomb = new StringBuilder("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
        for (var i = 1; i < 10; i++) bomb.Append($"a{i}: &a{i} [{string.Join(", ", Enumerable.Repeat($"*a{i - 1}", 10))}]\n");
        using var submission = new SubmissionFolder().With("quiz/answers.yaml", bomb.ToString());

        var result = await GradeQuizAsync(submission);

        Assert.That(result.Message, Is.EqualTo("quiz/answers.yaml:2:10: aliases (*a0) are not accepted in this file (not a valid answers file)"));
        await AssertNormalQuizGradesAsync();
    }

    [Test]
    public async Task Quiz_TenMegabyteAnswers_RefusedBeforeReading()
    {
        using var submission = new SubmissionFolder().With("quiz/answers.yaml", "q01: " + new string('b', 10_000_000));

        var result = await GradeQuizAsync(submission);

        Assert.Multiple(() =>
        {
            Assert.That(result.Status, Is.EqualTo(CheckStatus.Failed));
            Assert.That(result.Message, Is.EqualTo($"No quiz answers: 'quiz/answers.yaml' is 10000005 bytes; at most {AnswerSheet.MaxBytes} are read."));
        });
        await AssertNormalQuizGradesAsync();
    }

    [Test]
    public void Prometheus_MillionSeries_RefusedAtTheSeriesLimit()
    {
        var page = new StringBuilder(12_000_000);
        for (var i = 0; i < 1_000_000; i++) page.Append('m').Append(i).Append(" 1\n");

        var refused = Assert.Throws<PrometheusFormatException>(() => PrometheusTextParser.Parse(page.ToString()));

        Assert.That(refused!.Message, Is.EqualTo("line 100001: the page has more than 100,000 series"));
        Assert.That(PrometheusTextParser.Parse("# TYPE ok counter\nok 1\n").Families.Single().Name, Is.EqualTo("ok"));
    }

    [Test]
    public void Prometheus_HundredMegabyteLine_RefusedBeforeItIsCut()
    {
        var page = "m{a=\"" + new string('x', 100_000_000) + "\"} 1\n";

        var refused = Assert.Throws<PrometheusFormatException>(() => PrometheusTextParser.Parse(page));

        Assert.That(refused!.Message, Is.EqualTo("line 1: the page is 100,000,010 characters; at most 16,777,216 are read"));
    }

    [Test]
    public void Prometheus_MegabyteLineWithinAPageOfNormalSize_RefusedAtItsLine()
    {
        var page = "ok 1\nm{a=\"" + new string('x', 1_000_000) + "\"} 1\n";

        var refused = Assert.Throws<PrometheusFormatException>(() => PrometheusTextParser.Parse(page));

        Assert.That(refused!.Message, Is.EqualTo("line 2: the line is 1,000,009 characters long; at most 65,536 are accepted"));
    }

    [Test]
    public void Prometheus_SeriesWithThousandLabels_Refused()
    {
        var labels = string.Join(",", Enumerable.Range(0, 1000).Select(i => $"l{i}=\"v\""));

        var refused = Assert.Throws<PrometheusFormatException>(() => PrometheusTextParser.Parse($"m{{{labels}}} 1\n"));

        Assert.That(refused!.Message, Is.EqualTo("line 1: the series has more than 64 labels"));
    }

    [Test]
    public void Prometheus_TypeLinesWithoutSamples_RefusedAtTheFamilyLimit()
    {
        var page = string.Concat(Enumerable.Range(0, 100_001).Select(i => $"# TYPE m{i} counter\n"));

        var refused = Assert.Throws<PrometheusFormatException>(() => PrometheusTextParser.Parse(page));

        Assert.That(refused!.Message, Is.EqualTo("line 100001: the page has more than 100,000 metric families"));
    }

    [Test]
    public void ProbeJson_NestedPastTheDepth_LocatedError()
    {
        var body = Encoding.UTF8.GetBytes(new string('[', 100_000) + new string(']', 100_000));

        var refused = Assert.Throws<LearnerFileException>(() => JsonFieldMatcher.Parse(body));

        Assert.Multiple(() =>
        {
            Assert.That((refused!.Line, refused.Column), Is.EqualTo((1L, 65L)));
            Assert.That(refused.Reason, Does.Contain("depth of 64"));
        });
        using var normal = JsonFieldMatcher.Parse("{\"status\":\"ok\"}"u8.ToArray());
        Assert.That(JsonFieldMatcher.Mismatch(normal.RootElement, "status", "ok"), Is.Null);
    }

    [Test]
    public void ProbeJson_LargerThanTheCap_RefusedBeforeParsing()
    {
        var body = new byte[JsonFieldMatcher.MaxBodyBytes + 1];

        var refused = Assert.Throws<LearnerFileException>(() => JsonFieldMatcher.Parse(body));

        Assert.That(refused!.Message, Is.EqualTo("the JSON is 4,194,305 bytes; at most 4,194,304 are read"));
    }

    [Test]
    public void BenchmarkOutput_DeeplyNestedReport_OutputErrorNotACrash()
    {
        var report = "{\"benchmarks\": " + new string('[', 100_000) + new string(']', 100_000) + "}";

        var refused = Assert.Throws<BenchmarkOutputException>(() => BenchmarkOutputParser.Parse(BenchmarkFormat.PytestBenchmark, report));

        Assert.That(refused!.Message, Does.StartWith("the benchmark output is not valid JSON at line 1, column 79"));
    }

    [Test]
    public void BenchmarkOutput_ThousandsOfObjectsThatNeverClose_NoReportFound()
    {
        // Every line starts an object that runs on into the next lines: each try reads far before it fails.
        var output = string.Concat(Enumerable.Repeat("{\"k\": [" + string.Concat(Enumerable.Repeat("0, ", 2000)) + "\n", 2000));

        var refused = Assert.Throws<BenchmarkOutputException>(() => BenchmarkOutputParser.ExtractJsonFromOutput(output));

        Assert.That(refused!.Message, Does.StartWith("the benchmark printed no JSON object on its output"));
    }

    [Test]
    public void BenchmarkOutput_LargerThanTheCap_Refused()
    {
        var refused = Assert.Throws<BenchmarkOutputException>(() => BenchmarkOutputParser.ExtractJsonFromOutput(new string('x', BenchmarkOutputParser.MaxChars + 1)));

        Assert.That(refused!.Message, Does.StartWith("the benchmark output is larger than 16,777,216 characters"));
    }

    [TestCase('#')]
    [TestCase(' ')]
    public async Task Markdown_MegabyteHeadingLine_ReadInOnePass(char filler)
    {
        var line = "# Title" + filler + new string(filler, 1_000_000) + "x";

        var (headings, _) = await Task.Run(() => MarkdownOutline.Read(line + "\n\nSome prose here.\n")).WaitAsync(SafetyTimeout);

        Assert.That(headings.Single().Text, Is.EqualTo(line[2..]));
    }

    [Test]
    public async Task DigestWalk_FourLinksToTheContextItself_FinishesWithinBoundedMemory()
    {
        using var context = new SubmissionFolder().With("Dockerfile", "FROM grader/busybox:1\n").With("app/main.py", "print(1)\n");
        foreach (var name in new[] { "a", "b", "c", "d" }) Directory.CreateSymbolicLink(Path.Combine(context.Root, name), ".");
        var allocated = GC.GetTotalAllocatedBytes(precise: true);

        var digest = await Task.Run(() => ImageReuse.DigestAsync(context.Root, "Dockerfile", 1 << 20, CancellationToken.None)).WaitAsync(SafetyTimeout);
        var entries = BuildContextArchive.Plan(context.Root, "Dockerfile", 1 << 20);

        Assert.Multiple(() =>
        {
            Assert.That(digest, Has.Length.EqualTo(32));
            Assert.That(entries.Count(e => e.Kind == UnixFileKind.SymbolicLink), Is.EqualTo(4), "the links are archived as links");
            Assert.That(entries, Has.Count.EqualTo(7));
            Assert.That(GC.GetTotalAllocatedBytes(precise: true) - allocated, Is.LessThan(50_000_000), "the walk allocated as if it followed the links");
        });
    }

    [Test]
    public async Task DigestWalk_FifoInTheContext_NeverOpened()
    {
        using var context = new SubmissionFolder().With("Dockerfile", "FROM grader/busybox:1\n");
        MakeFifo(Path.Combine(context.Root, "pipe"));

        var withFifo = await Task.Run(() => ImageReuse.DigestAsync(context.Root, "Dockerfile", 1 << 20, CancellationToken.None)).WaitAsync(SafetyTimeout);
        File.Delete(Path.Combine(context.Root, "pipe"));
        var without = await ImageReuse.DigestAsync(context.Root, "Dockerfile", 1 << 20, CancellationToken.None);

        Assert.Multiple(() =>
        {
            Assert.That(withFifo, Is.Not.Null);
            Assert.That(withFifo, Is.Not.EqualTo(without), "the fifo is part of the digest by kind");
        });
    }

    [Test]
    public async Task Documents_FifoWhereADocumentShouldBe_NotOpened()
    {
        using var submission = new SubmissionFolder().With("notes.md", "# Notes\n");
        MakeFifo(Path.Combine(submission.Root, "README.md"));

        var read = await Task.Run(() => (SubmissionFiles.TryReadText(submission.Root, "README.md", out _, out var error), error)).WaitAsync(SafetyTimeout);

        Assert.Multiple(() =>
        {
            Assert.That(read.Item1, Is.False);
            Assert.That(read.error, Is.EqualTo("'README.md' is not a regular file."));
            Assert.That(SubmissionFiles.TryReadText(submission.Root, "notes.md", out var text, out _), Is.True);
            Assert.That(text, Is.EqualTo("# Notes\n"));
        });
    }

    [Test]
    public async Task DockerIgnore_FifoOrHugeFile_NeverBlocksAndIsBounded()
    {
        using var context = new SubmissionFolder().With("Dockerfile", "FROM grader/busybox:1\n").With("secret.txt", "s");
        MakeFifo(Path.Combine(context.Root, ".dockerignore"));

        var withFifo = await Task.Run(() => DockerIgnore.Load(context.Root)).WaitAsync(SafetyTimeout);
        File.Delete(Path.Combine(context.Root, ".dockerignore"));
        context.With(".dockerignore", "secret.txt\n" + new string('#', 2_000_000));
        var huge = Assert.Throws<BuildContextTooLargeException>(() => BuildContextArchive.Plan(context.Root, "Dockerfile", 1 << 30));
        context.With(".dockerignore", "secret.txt\n");

        Assert.Multiple(() =>
        {
            Assert.That(withFifo.IsExcluded("secret.txt"), Is.False, "a fifo is not read: no patterns");
            Assert.That(huge!.Message, Does.StartWith("The .dockerignore is 2 MB; at most 1 MB is read"));
            Assert.That(DockerIgnore.Load(context.Root).IsExcluded("secret.txt"), Is.True, "a normal .dockerignore still applies");
        });
    }

    private static void MakeFifo(string path)
    {
        using var mkfifo = Process.Start("mkfifo", [path]);
        mkfifo.WaitForExit();
        Assert.That(mkfifo.ExitCode, Is.Zero);
    }
}
