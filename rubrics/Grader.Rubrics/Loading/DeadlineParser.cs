using System.Globalization;
using Grader.Rubrics.Loading.Yaml;
using Grader.Rubrics.Model;

namespace Grader.Rubrics.Loading;

/// <summary>Reads a rubric's <c>deadline</c> section (FORMAT.md, "deadline"), reporting bad dates, zones and policies where they are written.</summary>
internal static class DeadlineParser
{
    private static readonly string[] LocalFormats = ["yyyy-MM-dd'T'HH:mm", "yyyy-MM-dd'T'HH:mm:ss", "yyyy-MM-dd HH:mm", "yyyy-MM-dd HH:mm:ss"];

    internal static readonly IReadOnlyDictionary<string, LateUnit> Units = new Dictionary<string, LateUnit>
    {
        ["day"] = LateUnit.Day, ["hour"] = LateUnit.Hour,
    };

    internal static readonly IReadOnlyDictionary<string, CriterionVisibility> Visibilities = new Dictionary<string, CriterionVisibility>
    {
        ["visible"] = CriterionVisibility.Visible,
        ["hidden"] = CriterionVisibility.Hidden,
        ["after_due_date"] = CriterionVisibility.AfterDueDate,
        ["after_published"] = CriterionVisibility.AfterPublished,
    };

    public static Deadline? Parse(MapReader r)
    {
        var file = r.File;
        var errorsBefore = file.ErrorCount;
        var zone = Zone(r);
        var dueNode = r.Required("due");
        var due = zone is not null && dueNode is not null ? LocalTime(file, dueNode, "due", zone) : null;
        var grace = r.Duration("grace", allowZero: true) ?? TimeSpan.Zero;
        var policy = r.Section("late_policy", "'late_policy'", RubricKeys.LatePolicy) is { } p ? Policy(p) : LatePolicy.NoPenalty;
        DateTimeOffset? close = null;
        if (r.Node("close") is { } closeNode && zone is not null && LocalTime(file, closeNode, "close", zone) is { } closeAt)
        {
            close = closeAt;
            if (due is { } d && closeAt <= d)
                file.Error(closeNode, $"'close' must be after 'due' ({Shown(d, zone)}); found {Shown(closeAt, zone)}");
            else if (due is { } d2 && closeAt < d2 + grace)
                file.Error(closeNode, $"'close' ({Shown(closeAt, zone)}) comes before the grace period ends ({Shown(d2 + grace, zone)}); close after it or shorten 'grace'");
        }
        if (file.ErrorCount != errorsBefore || zone is null || due is null) return null;
        return new Deadline
        {
            Due = due.Value,
            TimeZoneId = zone.Id,
            Grace = grace,
            LatePolicy = policy ?? LatePolicy.NoPenalty,
            Close = close,
            Location = file.At(r.Map),
        };
    }

    private static TimeZoneInfo? Zone(MapReader r)
    {
        var node = r.Required("time_zone");
        if (node is null || Values.String(r.File, node, "time_zone") is not { } id) return null;
        if (TimeZoneInfo.TryFindSystemTimeZoneById(id.Trim(), out var zone)) return zone;
        var hint = Suggestions.DidYouMean(id.Trim(), TimeZoneInfo.GetSystemTimeZones().Select(z => z.Id));
        r.File.Error(node, $"unknown time zone '{id}' for 'time_zone'; use an IANA time zone id such as Europe/Berlin, America/New_York or UTC{hint}");
        return null;
    }

    /// <summary>A local date and time in <paramref name="zone"/>; a time the clocks skip or pass twice is an error, not a guess.</summary>
    private static DateTimeOffset? LocalTime(FileScope file, YNode node, string key, TimeZoneInfo zone)
    {
        if (Values.String(file, node, key) is not { } text) return null;
        text = text.Trim();
        if (!DateTime.TryParseExact(text, LocalFormats, CultureInfo.InvariantCulture, DateTimeStyles.None, out var local))
        {
            var why = DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.None, out _) && (text.EndsWith('Z') || text.Contains('+', StringComparison.Ordinal) || text.LastIndexOf('-') > 9)
                ? "write the local time without an offset: 'time_zone' says which zone it is in"
                : DateTime.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out _)
                    ? "write the time of day too, e.g. " + text + "T23:59"
                    : "expected a local date and time such as 2026-12-15T23:59";
            file.Error(node, $"'{key}' is not a valid date and time ('{text}'): {why}");
            return null;
        }
        if (zone.IsInvalidTime(local))
        {
            file.Error(node, $"'{key}' {text} does not exist in {zone.Id}: the clocks skip it when daylight saving time starts; choose another time");
            return null;
        }
        if (zone.IsAmbiguousTime(local))
        {
            file.Error(node, $"'{key}' {text} happens twice in {zone.Id} (the clocks go back that night); choose a time that happens once");
            return null;
        }
        return new DateTimeOffset(local, zone.GetUtcOffset(local));
    }

    private static LatePolicy? Policy(MapReader r)
    {
        var file = r.File;
        var notAccepted = r.Bool("not_accepted");
        if (notAccepted == true)
        {
            foreach (var key in new[] { "penalty", "per", "floor" }.Where(r.Has))
                file.Error(r.KeyNode(key)!, $"'{key}' has no effect with 'not_accepted: true' (late work scores 0); a late policy is a penalty or not accepted, not both");
            return new LatePolicy { NotAccepted = true };
        }
        if (!r.Has("penalty"))
        {
            file.Error(r.Map, "'late_policy' needs 'penalty' with 'per' (e.g. { penalty: 10%, per: day, floor: 50% }) or 'not_accepted: true'");
            return null;
        }
        var penaltyNode = r.Node("penalty")!;
        var penalty = r.Ratio("penalty");
        if (penalty is <= 0)
        {
            file.Error(penaltyNode, $"'penalty' must be more than 0%; found {Values.Found(penaltyNode)} (leave 'late_policy' out for no penalty)");
            penalty = null;
        }
        var unit = r.Choice("per", Units, required: true);
        var floor = r.Ratio("floor") ?? 0;
        if (floor >= 1)
        {
            file.Error(r.Node("floor")!, "'floor' must be below 100%: it is the share of the points late work keeps, so 100% would leave no penalty");
            return null;
        }
        return penalty is { } p && unit is { } u ? new LatePolicy { PenaltyPerUnit = p, Unit = u, Floor = floor } : null;
    }

    private static string Shown(DateTimeOffset instant, TimeZoneInfo zone) =>
        TimeZoneInfo.ConvertTime(instant, zone).ToString("yyyy-MM-dd'T'HH:mm", CultureInfo.InvariantCulture);
}
