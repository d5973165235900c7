using System.Globalization;

namespace Grader.Rubrics.Model;

/// <summary>
/// When a module is due and what happens to late work (rubrics/FORMAT.md, "deadline"). Times are instants; the
/// rubric writes them as local times in <see cref="TimeZoneId"/>, and messages show them that way again.
/// </summary>
public sealed record Deadline
{
    /// <summary>The due date as an instant (converted from the rubric's local time in <see cref="TimeZoneId"/>).</summary>
    public required DateTimeOffset Due { get; init; }

    /// <summary>The IANA time zone the rubric's times are written in, e.g. <c>Europe/Berlin</c>.</summary>
    public required string TimeZoneId { get; init; }

    /// <summary>Work submitted this long after <see cref="Due"/> is not late (push delays, a slow clock). Default none.</summary>
    public TimeSpan Grace { get; init; }

    public LatePolicy LatePolicy { get; init; } = LatePolicy.NoPenalty;

    /// <summary>The hard close: a submission after it is acknowledged and not graded. Null: never closes.</summary>
    public DateTimeOffset? Close { get; init; }

    public SourceLocation? Location { get; init; }

    /// <summary>The learner's due date: the rubric's, moved by an extension (an extension never moves it earlier).</summary>
    public DateTimeOffset DueFor(DeadlineExtension? extension) => extension switch
    {
        null => Due,
        { Until: { } until } => until > Due ? until : Due,
        { By: var by } => by > TimeSpan.Zero ? Due + by : Due,
    };

    /// <summary>The learner's hard close: an extension shifts it by as much as it shifts the due date.</summary>
    public DateTimeOffset? CloseFor(DeadlineExtension? extension) => Close + (DueFor(extension) - Due);

    /// <summary>
    /// Whether a submission made at <paramref name="submittedAt"/> (the time GitHub recorded, never the grader's clock)
    /// comes after the hard close, so it must be acknowledged and not graded. Callers check this before scheduling any work.
    /// </summary>
    public bool IsClosedAt(DateTimeOffset submittedAt, DeadlineExtension? extension = null) =>
        CloseFor(extension) is { } close && submittedAt > close;

    /// <summary>Whether results hidden until the due date may be shown at <paramref name="now"/>.</summary>
    public bool IsPastDue(DateTimeOffset now, DeadlineExtension? extension = null) => now >= DueFor(extension);

    /// <summary>How a submission at <paramref name="submittedAt"/> stands against this deadline. Pure.</summary>
    public LateWorkAssessment Assess(DateTimeOffset submittedAt, DeadlineExtension? extension = null)
    {
        var due = DueFor(extension);
        var close = CloseFor(extension);
        var lateBy = submittedAt - due;
        var dueText = $"due {Describe(due)}{(extension is null || due == Due ? "" : ", with your extension")}";
        if (close is { } c && submittedAt > c)
        {
            return new LateWorkAssessment(LateStatus.Closed, submittedAt, due, close, lateBy, 0, 0,
                $"Not graded: the module closed at {Describe(c)}, and this submission came at {Describe(submittedAt)}.");
        }
        if (lateBy <= TimeSpan.Zero)
            return new LateWorkAssessment(LateStatus.OnTime, submittedAt, due, close, TimeSpan.Zero, 0, 0, $"Submitted on time ({dueText}).");
        if (lateBy <= Grace)
        {
            return new LateWorkAssessment(LateStatus.WithinGrace, submittedAt, due, close, lateBy, 0, 0,
                $"Submitted {DurationText.Format(lateBy)} after the due date ({dueText}), within the {DurationText.Format(Grace)} grace period: no penalty.");
        }
        var policy = LatePolicy;
        if (policy.NotAccepted)
        {
            return new LateWorkAssessment(LateStatus.NotAccepted, submittedAt, due, close, lateBy, 0, 1,
                $"Submitted {DurationText.Format(lateBy)} late ({dueText}); late work is not accepted for this module, so the score is 0.");
        }
        var unit = policy.Unit == LateUnit.Hour ? TimeSpan.FromHours(1) : TimeSpan.FromDays(1);
        // Every started unit counts: one minute into the second day is two days late.
        var units = (int)Math.Min(int.MaxValue, Math.Ceiling(lateBy.Ticks / (double)unit.Ticks));
        var uncapped = units * policy.PenaltyPerUnit;
        var cap = 1 - policy.Floor;
        var penalty = Math.Min(uncapped, cap);
        string why;
        if (policy.PenaltyPerUnit <= 0) why = "no penalty applies to late work for this module";
        else
        {
            var unitName = policy.Unit == LateUnit.Hour ? "hour" : "day";
            why = string.Create(CultureInfo.InvariantCulture,
                $"{units} started {unitName}{(units == 1 ? "" : "s")} × {policy.PenaltyPerUnit * 100:0.##}% = {uncapped * 100:0.##}% penalty");
            if (uncapped > cap + 1e-12) why += string.Create(CultureInfo.InvariantCulture, $", capped at {cap * 100:0.##}% (you keep at least {policy.Floor * 100:0.##}% of the points)");
        }
        return new LateWorkAssessment(LateStatus.Late, submittedAt, due, close, lateBy, units, penalty,
            $"Submitted {DurationText.Format(lateBy)} late ({dueText}): {why}.");
    }

    /// <summary>An instant as local time in the deadline's zone: "2026-12-15 23:59 Europe/Berlin (UTC+01:00)".</summary>
    public string Describe(DateTimeOffset instant)
    {
        var zone = TimeZoneInfo.FindSystemTimeZoneById(TimeZoneId);
        var local = TimeZoneInfo.ConvertTime(instant, zone);
        var offset = local.Offset;
        var sign = offset < TimeSpan.Zero ? "-" : "+";
        return string.Create(CultureInfo.InvariantCulture,
            $"{local:yyyy-MM-dd HH:mm} {TimeZoneId} (UTC{sign}{offset.Duration():hh\\:mm})");
    }
}

public enum LateUnit
{
    Day,
    Hour,
}

/// <summary>What happens to work submitted after the due date and its grace period.</summary>
public sealed record LatePolicy
{
    /// <summary>Late work is graded in full (the review still says it was late).</summary>
    public static readonly LatePolicy NoPenalty = new();

    /// <summary>Share of the points taken per started <see cref="Unit"/> late, 0..1.</summary>
    public double PenaltyPerUnit { get; init; }

    public LateUnit Unit { get; init; } = LateUnit.Day;

    /// <summary>The share of the points a late submission always keeps, 0..1 (the penalty never exceeds 1 - floor).</summary>
    public double Floor { get; init; }

    /// <summary>Late work scores 0 (it is still graded, so the learner sees the feedback).</summary>
    public bool NotAccepted { get; init; }
}

/// <summary>A learner's extension: more time (<see cref="By"/>) or a new due date (<see cref="Until"/>).</summary>
public sealed partial record DeadlineExtension
{
    public TimeSpan By { get; init; }
    public DateTimeOffset? Until { get; init; }

    public static DeadlineExtension Of(TimeSpan duration) => new() { By = duration };

    public static DeadlineExtension To(DateTimeOffset due) => new() { Until = due };

    /// <summary>What an extension is written as, for error messages.</summary>
    public const string Syntax = "a duration (2d, 36h) or a new due date with an offset (2026-12-20T23:59+01:00)";

    /// <summary>
    /// Reads an extension as instructors write it (course configuration, <c>grader grade --extension</c>): a positive
    /// duration, or an instant with an explicit offset (a local time would depend on which zone the reader assumes).
    /// </summary>
    public static bool TryParse(string? text, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out DeadlineExtension? extension)
    {
        extension = null;
        var t = text?.Trim();
        if (string.IsNullOrEmpty(t)) return false;
        if (DurationText.TryParse(t, out var by))
        {
            if (by <= TimeSpan.Zero) return false;
            extension = Of(by);
            return true;
        }

        var hasOffset = t.EndsWith('Z') || t.EndsWith('z') || OffsetSuffix().IsMatch(t);
        if (!hasOffset || !DateTimeOffset.TryParse(t, CultureInfo.InvariantCulture, DateTimeStyles.None, out var until)) return false;
        extension = To(until);
        return true;
    }

    /// <summary>
    /// The extension as <see cref="TryParse"/> reads it back exactly (<c>2d</c>, <c>36h</c>, <c>90s</c>,
    /// <c>2026-12-20T23:59:00+01:00</c>): how the bot records a job's extension and the roster stores one.
    /// </summary>
    public override string ToString()
    {
        if (Until is { } until) return until.ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFFzzz", CultureInfo.InvariantCulture);
        var (unit, ticks) = By.Ticks switch
        {
            var t when t % TimeSpan.TicksPerDay == 0 => ("d", TimeSpan.TicksPerDay),
            var t when t % TimeSpan.TicksPerHour == 0 => ("h", TimeSpan.TicksPerHour),
            var t when t % TimeSpan.TicksPerMinute == 0 => ("m", TimeSpan.TicksPerMinute),
            var t when t % TimeSpan.TicksPerSecond == 0 => ("s", TimeSpan.TicksPerSecond),
            _ => ("ms", TimeSpan.TicksPerMillisecond),
        };
        return string.Create(CultureInfo.InvariantCulture, $"{By.Ticks / ticks}{unit}");
    }

    [System.Text.RegularExpressions.GeneratedRegex(@"[+-]\d{2}:?\d{2}$")]
    private static partial System.Text.RegularExpressions.Regex OffsetSuffix();
}

public enum LateStatus
{
    OnTime,
    WithinGrace,
    Late,
    /// <summary>Late under a <see cref="LatePolicy.NotAccepted"/> policy: graded, scored 0.</summary>
    NotAccepted,
    /// <summary>After the hard close: not graded at all.</summary>
    Closed,
}

/// <summary>How one submission stands against a deadline.</summary>
/// <param name="Due">The learner's due date (extension applied).</param>
/// <param name="LateBy">Time after <paramref name="Due"/>; zero when on time.</param>
/// <param name="Units">Started days or hours late (the policy's unit) when late; 0 otherwise.</param>
/// <param name="Penalty">Share of the points taken, 0..1.</param>
/// <param name="Explanation">One sentence saying why, for the review.</param>
public sealed record LateWorkAssessment(
    LateStatus Status,
    DateTimeOffset SubmittedAt,
    DateTimeOffset Due,
    DateTimeOffset? Close,
    TimeSpan LateBy,
    int Units,
    double Penalty,
    string Explanation)
{
    public bool Graded => Status != LateStatus.Closed;
}
