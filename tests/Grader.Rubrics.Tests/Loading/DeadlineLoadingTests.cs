using Grader.Rubrics.Loading;
using Grader.Rubrics.Model;

namespace Grader.Rubrics.Tests.Loading;

public sealed class DeadlineLoadingTests
{
    private const string Head = """
        module: { id: MOD-1, title: Deadlines }
        competencies:
          testing: { name: Testing, level: Working }
        criteria:
          - { id: builds, title: Builds, points: 10, check: { build: {} } }
          - { id: later, title: Later, points: 10, check: { build: {} }, visibility: after_due_date }
          - { id: secret, title: Secret, points: 10, check: { build: {} }, visibility: hidden }
          - { id: published, title: Published, points: 10, check: { build: {} }, visibility: after_published }

        """;

    private string _folder = null!;

    [SetUp]
    public void SetUp() => _folder = Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), "grader-deadline-" + Guid.NewGuid().ToString("n")[..10])).FullName;

    [TearDown]
    public void TearDown() => Directory.Delete(_folder, recursive: true);

    private string Write(string name, string text)
    {
        var path = Path.Combine(_folder, name);
        File.WriteAllText(path, text);
        return path;
    }

    [Test]
    public void LoadText_FullDeadline_ConvertsLocalTimesInTheZoneAndReadsThePolicy()
    {
        var result = RubricLoader.LoadText(Head + """
            deadline:
              due: 2026-12-15T23:59
              time_zone: Europe/Berlin
              grace: 15m
              late_policy: { penalty: 10%, per: day, floor: 50% }
              close: "2026-12-22 23:59:30"
            """, "rubric.yaml");
        Assert.That(result.Diagnostics, Is.Empty);
        var deadline = result.Rubric!.Deadline!;
        Assert.Multiple(() =>
        {
            Assert.That(deadline.Due, Is.EqualTo(new DateTimeOffset(2026, 12, 15, 22, 59, 0, TimeSpan.Zero)));
            Assert.That(deadline.Close, Is.EqualTo(new DateTimeOffset(2026, 12, 22, 22, 59, 30, TimeSpan.Zero)));
            Assert.That(deadline.TimeZoneId, Is.EqualTo("Europe/Berlin"));
            Assert.That(deadline.Grace, Is.EqualTo(TimeSpan.FromMinutes(15)));
            Assert.That(deadline.LatePolicy, Is.EqualTo(new LatePolicy { PenaltyPerUnit = 0.1, Unit = LateUnit.Day, Floor = 0.5 }));
            Assert.That(result.Rubric.Criteria.Select(c => c.Visibility), Is.EqualTo(new[]
            {
                CriterionVisibility.Visible, CriterionVisibility.AfterDueDate, CriterionVisibility.Hidden, CriterionVisibility.AfterPublished,
            }));
        });
    }

    [TestCase("2026-03-29T12:00", 10, TestName = "LoadText_DueInSummerTime_UsesTheSummerOffset")]
    [TestCase("2026-10-25T12:00", 11, TestName = "LoadText_DueAfterTheClocksGoBack_UsesTheWinterOffset")]
    public void LoadText_DueAroundDaylightSavingChanges_UsesTheOffsetInForceThatDay(string due, int utcHour)
    {
        var result = RubricLoader.LoadText(Head + $"deadline: {{ due: {due}, time_zone: Europe/Berlin }}\n", "rubric.yaml");
        Assert.That(result.Rubric!.Deadline!.Due.UtcDateTime.Hour, Is.EqualTo(utcHour));
    }

    [Test]
    public void LoadText_NotAcceptedPolicy_ReadsIt()
    {
        var result = RubricLoader.LoadText(Head + "deadline: { due: 2026-12-15T23:59, time_zone: UTC, late_policy: { not_accepted: true } }\n", "rubric.yaml");
        Assert.That(result.Rubric!.Deadline!.LatePolicy.NotAccepted, Is.True);
    }

    [Test]
    public void LoadFile_DeadlineInBase_IsInheritedAndAChildsBlockReplacesItWhole()
    {
        Write("base.yaml", "deadline: { due: 2026-12-15T23:59, time_zone: UTC, grace: 1h, close: 2026-12-20T00:00 }\n");
        var inherits = Write("inherits.yaml", "extends: base.yaml\n" + Head);
        var replaces = Write("replaces.yaml", "extends: base.yaml\n" + Head + "deadline: { due: 2027-01-10T12:00, time_zone: UTC }\n");
        var inherited = RubricLoader.LoadFile(inherits);
        var replaced = RubricLoader.LoadFile(replaces);
        Assert.Multiple(() =>
        {
            Assert.That(inherited.Diagnostics, Is.Empty);
            Assert.That(inherited.Rubric!.Deadline!.Grace, Is.EqualTo(TimeSpan.FromHours(1)));
            Assert.That(replaced.Diagnostics, Is.Empty);
            Assert.That(replaced.Rubric!.Deadline!.Due, Is.EqualTo(new DateTimeOffset(2027, 1, 10, 12, 0, 0, TimeSpan.Zero)));
            Assert.That(replaced.Rubric.Deadline.Grace, Is.EqualTo(TimeSpan.Zero));
            Assert.That(replaced.Rubric.Deadline.Close, Is.Null);
        });
    }

    [Test]
    public void LoadFile_FragmentWithDeadline_ReportsItHasNoEffectAtTheKey()
    {
        Write("fragment.yaml", "criteria: []\ndeadline: { due: 2026-12-15T23:59, time_zone: UTC }\n");
        var root = Write("root.yaml", "include: [fragment.yaml]\n" + Head + "deadline: { due: 2026-12-15T23:59, time_zone: UTC }\n");
        var result = RubricLoader.LoadFile(root);
        Assert.That(result.Diagnostics.Select(d => d.ToString()), Is.EqualTo(new[]
        {
            $"{Path.Combine(_folder, "fragment.yaml")}:2:1: error: 'deadline' has no effect in an included fragment: include adds only competencies and criteria (settings come from the rubric itself or its 'extends' base)",
        }));
    }

    [Test]
    public void LoadFile_AfterDueDateCriterionInFragment_AcceptedWhenTheRubricHasADeadline()
    {
        Write("fragment.yaml", "criteria:\n  - { id: frag, title: Fragment, points: 10, check: { build: {} }, visibility: after_due_date }\n");
        var withDeadline = Write("with.yaml", "include: [fragment.yaml]\n" + Head + "deadline: { due: 2026-12-15T23:59, time_zone: UTC }\n");
        var without = Write("without.yaml", "include: [fragment.yaml]\n" + Head.Replace("visibility: after_due_date", "visibility: visible", StringComparison.Ordinal));
        var ok = RubricLoader.LoadFile(withDeadline);
        var bad = RubricLoader.LoadFile(without);
        var fragmentAlone = RubricLoader.LoadFile(Path.Combine(_folder, "fragment.yaml"), RubricFileRole.Fragment);
        Assert.Multiple(() =>
        {
            Assert.That(ok.Diagnostics, Is.Empty);
            Assert.That(ok.Rubric!.Criteria.Single(c => c.Id == "frag").Visibility, Is.EqualTo(CriterionVisibility.AfterDueDate));
            Assert.That(bad.Diagnostics.Select(d => d.ToString()), Is.EqualTo(new[]
            {
                $"{Path.Combine(_folder, "fragment.yaml")}:2:80: error: criterion 'frag' is shown 'after_due_date', but the rubric has no 'deadline'; add a top-level 'deadline' (or use 'after_published')",
            }));
            Assert.That(fragmentAlone.Diagnostics, Is.Empty, "a fragment is checked without the rules that need the including rubric");
        });
    }
}
