using Grader.Rubrics.Model;

namespace Grader.Rubrics.Tests.Model;

public sealed class DeadlineTests
{
    private static readonly TimeSpan Cet = TimeSpan.FromHours(1);

    /// <summary>Due 2026-12-15 23:59 Berlin (22:59Z), 15 minutes' grace, 10% per started day down to 50%, closing a week later.</summary>
    private static Deadline Berlin(LatePolicy? policy = null) => new()
    {
        Due = new DateTimeOffset(2026, 12, 15, 23, 59, 0, Cet),
        TimeZoneId = "Europe/Berlin",
        Grace = TimeSpan.FromMinutes(15),
        LatePolicy = policy ?? new LatePolicy { PenaltyPerUnit = 0.10, Unit = LateUnit.Day, Floor = 0.50 },
        Close = new DateTimeOffset(2026, 12, 22, 23, 59, 0, Cet),
    };

    private static DateTimeOffset Utc(int month, int day, int hour, int minute, int second = 0) => new(2026, month, day, hour, minute, second, TimeSpan.Zero);

    private static IEnumerable<TestCaseData> DailyCases()
    {
        yield return new TestCaseData(Utc(12, 15, 22, 0), LateStatus.OnTime, 0, 0.0).SetName("Assess_AnHourEarly_OnTime");
        yield return new TestCaseData(Utc(12, 15, 22, 59), LateStatus.OnTime, 0, 0.0).SetName("Assess_ExactlyAtDue_OnTime");
        yield return new TestCaseData(Utc(12, 15, 22, 59, 1), LateStatus.WithinGrace, 0, 0.0).SetName("Assess_OneSecondAfterDue_WithinGrace");
        yield return new TestCaseData(Utc(12, 15, 23, 14), LateStatus.WithinGrace, 0, 0.0).SetName("Assess_ExactlyAtGraceEnd_WithinGrace");
        yield return new TestCaseData(Utc(12, 15, 23, 14, 1), LateStatus.Late, 1, 0.10).SetName("Assess_OneSecondAfterGrace_OneDayLate");
        yield return new TestCaseData(Utc(12, 16, 22, 59), LateStatus.Late, 1, 0.10).SetName("Assess_Exactly24HoursLate_OneDay");
        yield return new TestCaseData(Utc(12, 16, 22, 59, 1), LateStatus.Late, 2, 0.20).SetName("Assess_OneSecondIntoSecondDay_TwoDays");
        yield return new TestCaseData(Utc(12, 19, 22, 59), LateStatus.Late, 4, 0.40).SetName("Assess_FourDaysLate_FortyPercent");
        yield return new TestCaseData(Utc(12, 20, 23, 0), LateStatus.Late, 6, 0.50).SetName("Assess_SixDaysLate_CappedByFloor");
        yield return new TestCaseData(Utc(12, 22, 22, 59), LateStatus.Late, 7, 0.50).SetName("Assess_ExactlyAtClose_StillGraded");
        yield return new TestCaseData(Utc(12, 22, 22, 59, 1), LateStatus.Closed, 0, 0.0).SetName("Assess_OneSecondAfterClose_Closed");
    }

    [TestCaseSource(nameof(DailyCases))]
    public void Assess_DailyPenaltyWithFloor_GivesStatusUnitsAndPenalty(DateTimeOffset submittedAt, LateStatus status, int units, double penalty)
    {
        var outcome = Berlin().Assess(submittedAt);
        Assert.Multiple(() =>
        {
            Assert.That(outcome.Status, Is.EqualTo(status));
            Assert.That(outcome.Units, Is.EqualTo(units));
            Assert.That(outcome.Penalty, Is.EqualTo(penalty).Within(1e-12));
            Assert.That(outcome.Graded, Is.EqualTo(status != LateStatus.Closed));
        });
    }

    [TestCase(30, 1, 0.05)]
    [TestCase(60, 1, 0.05)]
    [TestCase(61, 2, 0.10)]
    [TestCase(150, 3, 0.15)]
    [TestCase(25 * 60, 25, 1.0)]
    public void Assess_HourlyPenaltyWithoutFloor_CountsStartedHoursUpToEverything(int minutesLate, int units, double penalty)
    {
        var deadline = Berlin(new LatePolicy { PenaltyPerUnit = 0.05, Unit = LateUnit.Hour }) with { Grace = TimeSpan.Zero, Close = null };
        var outcome = deadline.Assess(deadline.Due.AddMinutes(minutesLate));
        Assert.Multiple(() =>
        {
            Assert.That(outcome.Status, Is.EqualTo(LateStatus.Late));
            Assert.That(outcome.Units, Is.EqualTo(units));
            Assert.That(outcome.Penalty, Is.EqualTo(penalty).Within(1e-12));
        });
    }

    [Test]
    public void Assess_NotAcceptedPolicy_LateScoresNothingButGraceStillHolds()
    {
        var deadline = Berlin(new LatePolicy { NotAccepted = true });
        var late = deadline.Assess(deadline.Due.AddMinutes(16));
        var grace = deadline.Assess(deadline.Due.AddMinutes(15));
        Assert.Multiple(() =>
        {
            Assert.That(late.Status, Is.EqualTo(LateStatus.NotAccepted));
            Assert.That(late.Penalty, Is.EqualTo(1));
            Assert.That(late.Explanation, Does.Contain("late work is not accepted"));
            Assert.That(grace.Status, Is.EqualTo(LateStatus.WithinGrace));
            Assert.That(grace.Penalty, Is.Zero);
        });
    }

    [Test]
    public void Assess_NoPolicy_LateButNoPenalty()
    {
        var deadline = Berlin(LatePolicy.NoPenalty);
        var outcome = deadline.Assess(deadline.Due.AddDays(2));
        Assert.Multiple(() =>
        {
            Assert.That(outcome.Status, Is.EqualTo(LateStatus.Late));
            Assert.That(outcome.Penalty, Is.Zero);
            Assert.That(outcome.Explanation, Does.Contain("no penalty"));
        });
    }

    /// <summary>Berlin moves to summer time on 2026-03-29 at 02:00: a day across it is 24 elapsed hours, not a calendar day.</summary>
    [TestCase("2026-03-29T12:00:00+02:00", 1, TestName = "Assess_SameLocalTimeNextDayAcrossSpringForward_23HoursIsOneDay")]
    [TestCase("2026-03-29T12:59:59+02:00", 1, TestName = "Assess_JustUnder24ElapsedHoursAcrossSpringForward_OneDay")]
    [TestCase("2026-03-29T13:00:01+02:00", 2, TestName = "Assess_Over24ElapsedHoursAcrossSpringForward_TwoDays")]
    public void Assess_AcrossDaylightSavingChange_CountsElapsedDays(string submitted, int units)
    {
        var deadline = new Deadline
        {
            Due = new DateTimeOffset(2026, 3, 28, 12, 0, 0, Cet),
            TimeZoneId = "Europe/Berlin",
            LatePolicy = new LatePolicy { PenaltyPerUnit = 0.1, Unit = LateUnit.Day },
        };
        var outcome = deadline.Assess(DateTimeOffset.Parse(submitted, System.Globalization.CultureInfo.InvariantCulture));
        Assert.That(outcome.Units, Is.EqualTo(units));
    }

    [Test]
    public void Describe_SummerAndWinterInstants_ShowLocalTimeWithTheOffsetInForce()
    {
        var deadline = Berlin();
        Assert.Multiple(() =>
        {
            Assert.That(deadline.Describe(Utc(12, 15, 22, 59)), Is.EqualTo("2026-12-15 23:59 Europe/Berlin (UTC+01:00)"));
            Assert.That(deadline.Describe(Utc(7, 1, 10, 0)), Is.EqualTo("2026-07-01 12:00 Europe/Berlin (UTC+02:00)"));
        });
    }

    [Test]
    public void Assess_ExtensionByDuration_MovesDueAndCloseTogether()
    {
        var deadline = Berlin();
        var extension = DeadlineExtension.Of(TimeSpan.FromDays(3));
        Assert.Multiple(() =>
        {
            Assert.That(deadline.Assess(Utc(12, 17, 12, 0), extension).Status, Is.EqualTo(LateStatus.OnTime));
            Assert.That(deadline.Assess(Utc(12, 17, 12, 0), extension).Explanation, Does.Contain("with your extension"));
            Assert.That(deadline.Assess(Utc(12, 19, 22, 0), extension).Units, Is.EqualTo(1));
            Assert.That(deadline.IsClosedAt(Utc(12, 24, 12, 0)), Is.True);
            Assert.That(deadline.IsClosedAt(Utc(12, 24, 12, 0), extension), Is.False);
            Assert.That(deadline.CloseFor(extension), Is.EqualTo(deadline.Close!.Value.AddDays(3)));
        });
    }

    [Test]
    public void DueFor_ExtensionToAnEarlierDate_KeepsTheRubricsDueDate()
    {
        var deadline = Berlin();
        Assert.Multiple(() =>
        {
            Assert.That(deadline.DueFor(DeadlineExtension.To(deadline.Due.AddDays(-1))), Is.EqualTo(deadline.Due));
            Assert.That(deadline.DueFor(DeadlineExtension.To(deadline.Due.AddHours(5))), Is.EqualTo(deadline.Due.AddHours(5)));
            Assert.That(deadline.DueFor(DeadlineExtension.Of(TimeSpan.FromHours(-5))), Is.EqualTo(deadline.Due));
        });
    }

    [Test]
    public void Assess_Late_ExplanationSaysHowLateAndWhy()
    {
        var outcome = Berlin().Assess(Utc(12, 17, 1, 0));
        Assert.That(outcome.Explanation, Is.EqualTo(
            "Submitted 26h01m late (due 2026-12-15 23:59 Europe/Berlin (UTC+01:00)): 2 started days × 10% = 20% penalty."));
    }

    [Test]
    public void Assess_PastFloor_ExplanationNamesTheCap()
    {
        var outcome = Berlin().Assess(Utc(12, 21, 12, 0));
        Assert.That(outcome.Explanation, Does.EndWith("6 started days × 10% = 60% penalty, capped at 50% (you keep at least 50% of the points)."));
    }

    [Test]
    public void Assess_AfterClose_ExplanationSaysNotGradedAndWhen()
    {
        var outcome = Berlin().Assess(Utc(12, 23, 8, 0));
        Assert.That(outcome.Explanation, Is.EqualTo(
            "Not graded: the module closed at 2026-12-22 23:59 Europe/Berlin (UTC+01:00), and this submission came at 2026-12-23 09:00 Europe/Berlin (UTC+01:00)."));
    }

    [TestCase(-1, false)]
    [TestCase(0, true)]
    [TestCase(1, true)]
    public void IsPastDue_AroundTheDueDate_TrueFromTheDueInstant(int secondsFromDue, bool pastDue)
    {
        var deadline = Berlin();
        Assert.That(deadline.IsPastDue(deadline.Due.AddSeconds(secondsFromDue)), Is.EqualTo(pastDue));
    }

    [TestCase("2d", 48 * 60)]
    [TestCase(" 36h ", 36 * 60)]
    [TestCase("90m", 90)]
    public void DeadlineExtensionTryParse_Duration_MoreTime(string text, int minutes)
    {
        Assert.That(DeadlineExtension.TryParse(text, out var extension), Is.True);
        Assert.That(extension, Is.EqualTo(DeadlineExtension.Of(TimeSpan.FromMinutes(minutes))));
    }

    [TestCase("2026-12-20T23:59+01:00", "2026-12-20T22:59:00Z")]
    [TestCase("2026-12-20T22:59Z", "2026-12-20T22:59:00Z")]
    [TestCase("2026-12-20T17:59:00-0500", "2026-12-20T22:59:00Z")]
    public void DeadlineExtensionTryParse_InstantWithOffset_NewDueDate(string text, string utc)
    {
        Assert.That(DeadlineExtension.TryParse(text, out var extension), Is.True);
        Assert.That(extension!.Until, Is.EqualTo(DateTimeOffset.Parse(utc, System.Globalization.CultureInfo.InvariantCulture)));
    }

    [TestCase("")]
    [TestCase("0d")]
    [TestCase("two days")]
    [TestCase("2026-12-20T23:59")]
    [TestCase("2026-12-20")]
    public void DeadlineExtensionTryParse_NoDurationNorInstantWithOffset_False(string text)
    {
        // A local time without an offset would depend on the reader's zone: refused, not guessed.
        Assert.That(DeadlineExtension.TryParse(text, out var extension), Is.False);
        Assert.That(extension, Is.Null);
    }

    [TestCase("2d", "2d")]
    [TestCase("36h", "36h")]
    [TestCase("1h30m", "90m")]
    [TestCase("90s", "90s")]
    [TestCase("2026-12-20T23:59+01:00", "2026-12-20T23:59:00+01:00")]
    [TestCase("2026-12-20T23:59:30.5Z", "2026-12-20T23:59:30.5+00:00")]
    public void ExtensionToString_AnyExtension_ReadsBackAsTheSameExtension(string written, string canonical)
    {
        Assert.That(DeadlineExtension.TryParse(written, out var extension), Is.True);
        Assert.That(extension!.ToString(), Is.EqualTo(canonical));
        Assert.That(DeadlineExtension.TryParse(canonical, out var again), Is.True);
        Assert.That(again, Is.EqualTo(extension));
        Assert.That(again!.Until?.Offset, Is.EqualTo(extension.Until?.Offset));
    }
}
