using System.CommandLine;
using Grader.Cli.Commands;
using Grader.Rubrics.Model;

namespace Grader.Cli.Tests.Grade;

/// <summary><c>grader grade</c> and the rubric's deadline: the submission time options, and nothing built after the hard close.</summary>
public sealed class GradeDeadlineTests
{
    private string _root = null!;

    [SetUp]
    public void SetUp() => _root = Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), "grader-cli-deadline-" + Guid.NewGuid().ToString("n")[..10])).FullName;

    [TearDown]
    public void TearDown() => Directory.Delete(_root, recursive: true);

    private string Rubric()
    {
        var path = Path.Combine(_root, "rubric.yaml");
        File.WriteAllText(path, """
            module: { id: CLI-1, title: Deadline test }
            competencies:
              containers: { name: Containers, level: Working }
            deadline:
              due: 2026-12-15T23:59
              time_zone: Europe/Berlin
              late_policy: { penalty: 10%, per: day, floor: 50% }
              close: 2026-12-22T23:59
            criteria:
              - { id: builds, title: Builds, points: 10, check: { build: {} } }
            """);
        return path;
    }

    private static async Task<(int Exit, string Output, string Error)> Invoke(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exit = await GraderCommand.Build().Parse(args).InvokeAsync(new InvocationConfiguration { Output = output, Error = error }, CancellationToken.None);
        return (exit, output.ToString(), error.ToString());
    }

    [Test]
    public async Task Grade_SubmittedAfterTheHardClose_SaysWhyBuildsNothingAndExits1()
    {
        var submission = Directory.CreateDirectory(Path.Combine(_root, "submission")).FullName;
        var output = Path.Combine(_root, "out");

        // A configuration file that does not exist would fail if the command went on to read it: it must stop first.
        var (exit, text, _) = await Invoke("grade", "--rubric", Rubric(), submission, "--out", output, "--submitted-at", "2026-12-23T08:00:00Z",
            "--config", Path.Combine(_root, "missing.yaml"));

        Assert.Multiple(() =>
        {
            Assert.That(exit, Is.EqualTo(GradeExitCodes.Failed));
            Assert.That(text, Does.Contain("Not graded: the module closed at 2026-12-22 23:59 Europe/Berlin (UTC+01:00), and this submission came at 2026-12-23 09:00 Europe/Berlin (UTC+01:00)."));
            Assert.That(Directory.Exists(output), Is.False, "nothing is written");
        });
    }

    [Test]
    public async Task Grade_ExtensionMovesTheClose_GoesOnToGrading()
    {
        var submission = Directory.CreateDirectory(Path.Combine(_root, "submission")).FullName;

        // With a week's extension the close moves too: the command goes past the check and stops at the missing config file.
        var (exit, text, _) = await Invoke("grade", "--rubric", Rubric(), submission, "--out", Path.Combine(_root, "out"),
            "--submitted-at", "2026-12-23T08:00:00Z", "--extension", "7d", "--config", Path.Combine(_root, "missing.yaml"));

        Assert.Multiple(() =>
        {
            Assert.That(text, Does.Not.Contain("Not graded"));
            Assert.That(exit, Is.EqualTo(GradeExitCodes.IncompleteOrUsage));
        });
    }

    [TestCase("2026-12-16T09:30:00+01:00", 2026, 12, 16, 8, 30)]
    [TestCase("2026-12-16T08:30:00Z", 2026, 12, 16, 8, 30)]
    public void Read_SubmittedAtWithOffset_IsThatInstant(string text, int year, int month, int day, int hour, int minute)
    {
        var parse = GradeCommand.Build().Parse(["--rubric", "r.yaml", "folder", "--submitted-at", text]);
        var settings = GradeCommand.Read(parse, out var error);
        Assert.Multiple(() =>
        {
            Assert.That(error, Is.Null);
            Assert.That(settings!.SubmittedAt, Is.EqualTo(new DateTimeOffset(year, month, day, hour, minute, 0, TimeSpan.Zero)));
        });
    }

    [TestCase("2026-12-16T09:30:00")]
    [TestCase("yesterday")]
    public void Read_SubmittedAtWithoutOffset_IsAUsageError(string text)
    {
        var parse = GradeCommand.Build().Parse(["--rubric", "r.yaml", "folder", "--submitted-at", text]);
        Assert.Multiple(() =>
        {
            Assert.That(GradeCommand.Read(parse, out var error), Is.Null);
            Assert.That(error, Does.StartWith($"--submitted-at '{text}' is not a date and time with an offset"));
        });
    }

    [Test]
    public void Read_ExtensionAndPublished_AreRead()
    {
        var byDuration = GradeCommand.Read(GradeCommand.Build().Parse(["--rubric", "r.yaml", "folder", "--extension", "36h", "--results-published"]), out _)!;
        var toDate = GradeCommand.Read(GradeCommand.Build().Parse(["--rubric", "r.yaml", "folder", "--extension", "2027-01-05T12:00:00Z"]), out _)!;
        Assert.Multiple(() =>
        {
            Assert.That(byDuration.Extension, Is.EqualTo(DeadlineExtension.Of(TimeSpan.FromHours(36))));
            Assert.That(byDuration.ResultsPublished, Is.True);
            Assert.That(toDate.Extension, Is.EqualTo(DeadlineExtension.To(new DateTimeOffset(2027, 1, 5, 12, 0, 0, TimeSpan.Zero))));
            Assert.That(toDate.ResultsPublished, Is.False);
            Assert.That(toDate.SubmittedAt, Is.Null, "default: now, read when the command runs");
        });
    }
}
