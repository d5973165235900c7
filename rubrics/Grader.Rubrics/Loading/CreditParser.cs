using Grader.Rubrics.Loading.Yaml;
using Grader.Rubrics.Model;

namespace Grader.Rubrics.Loading;

/// <summary>Parses <c>credit</c>: exactly one of threshold, at_most, linear or steps, with bounds in the check's measure unit.</summary>
internal static class CreditParser
{
    /// <summary>The unit the kind's descriptor declares; <see cref="MeasureUnit.Unknown"/> only when no known kind parsed.</summary>
    public static MeasureUnit UnitOf(string? checkKind) => CheckKind.TryNamed(checkKind)?.Unit ?? MeasureUnit.Unknown;

    private static string Describe(MeasureUnit unit) => unit switch
    {
        MeasureUnit.Ratio => $"a ratio between 0 and 1; write {Values.RatioForm}",
        MeasureUnit.Bytes => $"bytes; write {Values.SizeForm} (or a number of bytes)",
        MeasureUnit.Milliseconds => $"milliseconds; write {Values.DurationForm} (or a number of milliseconds)",
        MeasureUnit.Seconds => $"seconds; write {Values.DurationForm} (or a number of seconds)",
        MeasureUnit.Number => "a number in the benchmark's own unit; write a plain number",
        _ => "a number",
    };

    public static CreditRule? Parse(FileScope file, YNode node, string? checkKind)
    {
        var reader = MapReader.Of(file, node, "'credit'", RubricKeys.Credit);
        if (reader is null) return null;
        var present = reader.Map.Entries.Where(e => RubricKeys.Credit.Contains(e.Key.Value)).ToList();
        if (present.Count != 1)
        {
            var where = present.Count == 0 ? (YNode)reader.Map : present[1].Key;
            file.Error(where, present.Count == 0
                ? "'credit' needs exactly one rule: threshold, at_most, linear or steps"
                : $"'credit' needs exactly one rule, found {present.Count}: {string.Join(", ", present.Select(e => e.Key.Value))}");
            return null;
        }
        var unit = UnitOf(checkKind);
        var rule = present[0];
        switch (rule.Key.Value)
        {
            case "threshold":
                return Bound(file, rule.Value, "threshold", unit, checkKind) is { } t ? new ThresholdCredit(t, HigherIsBetter: true) : null;
            case "at_most":
                return Bound(file, rule.Value, "at_most", unit, checkKind) is { } m ? new ThresholdCredit(m, HigherIsBetter: false) : null;
            case "linear":
            {
                var linear = MapReader.Of(file, rule.Value, "'linear' credit", RubricKeys.Linear);
                if (linear is null) return null;
                var zeroNode = linear.Required("zero");
                var fullNode = linear.Required("full");
                var zero = zeroNode is null ? null : Bound(file, zeroNode, "zero", unit, checkKind);
                var full = fullNode is null ? null : Bound(file, fullNode, "full", unit, checkKind);
                if (zero is null || full is null) return null;
                if (zero == full)
                {
                    file.Error(fullNode!, "'linear' credit needs different 'zero' and 'full' values");
                    return null;
                }
                return new LinearCredit(zero.Value, full.Value);
            }
            default:
                return Steps(file, rule.Value, unit, checkKind);
        }
    }

    private static SteppedCredit? Steps(FileScope file, YNode node, MeasureUnit unit, string? checkKind)
    {
        if (node is not YSequence { Items.Count: > 0 } seq)
        {
            file.Error(node, $"expected a non-empty list of steps for 'steps', found {node.Describe()}");
            return null;
        }
        var steps = new List<CreditStep>();
        bool? higherIsBetter = null;
        YNode? firstDirection = null;
        var ok = true;
        foreach (var item in seq.Items)
        {
            var step = MapReader.Of(file, item, "a credit step", RubricKeys.Step);
            if (step is null)
            {
                ok = false;
                continue;
            }
            var atLeast = step.Node("at_least");
            var atMost = step.Node("at_most");
            if ((atLeast is null) == (atMost is null))
            {
                file.Error(atLeast is null ? step.Map : step.KeyNode("at_most")!, "a credit step needs exactly one of 'at_least' (higher is better) or 'at_most' (lower is better)");
                ok = false;
                continue;
            }
            var higher = atLeast is not null;
            if (higherIsBetter is null)
            {
                higherIsBetter = higher;
                firstDirection = item;
            }
            else if (higherIsBetter != higher)
            {
                file.Error(step.KeyNode(higher ? "at_least" : "at_most")!,
                    $"credit steps use either 'at_least' or 'at_most', not both (the first step, line {firstDirection!.Line}, uses '{(higherIsBetter.Value ? "at_least" : "at_most")}')");
                ok = false;
                continue;
            }
            var bound = Bound(file, atLeast ?? atMost!, higher ? "at_least" : "at_most", unit, checkKind);
            var fraction = step.Ratio("points", required: true);
            if (bound is null || fraction is null) ok = false;
            else steps.Add(new CreditStep(bound.Value, fraction.Value));
        }
        return ok ? new SteppedCredit(steps, higherIsBetter ?? true) : null;
    }

    /// <summary>A bound in the measure's unit: a number, or a percentage, size or duration where the unit fits.</summary>
    private static double? Bound(FileScope file, YNode node, string key, MeasureUnit unit, string? checkKind)
    {
        if (node is YScalar { IsNumber: true } n && n.AsDouble() is { } number && double.IsFinite(number))
        {
            if (unit == MeasureUnit.Ratio && number is < 0 or > 1)
            {
                file.Error(node, $"'{key}' must be between 0 and 1 (or 0% to 100%) because the {checkKind} check measures a ratio; found {n.Value}");
                return null;
            }
            if (unit is MeasureUnit.Bytes or MeasureUnit.Milliseconds or MeasureUnit.Seconds && number < 0)
            {
                file.Error(node, $"'{key}' must not be negative; found {n.Value}");
                return null;
            }
            return number;
        }
        if (node is YScalar { Kind: ScalarKind.String } s)
        {
            var text = s.Value.Trim();
            if (Values.TryPercent(text, out var fraction))
            {
                if (unit is MeasureUnit.Ratio or MeasureUnit.Unknown)
                {
                    if (fraction is >= 0 and <= 1) return fraction;
                    file.Error(node, $"'{key}' must be between 0% and 100%; found '{s.Value}'");
                    return null;
                }
                return Misfit(file, node, key, unit, checkKind, "a percentage");
            }
            if (DurationText.TryParse(text, out var duration))
            {
                return unit switch
                {
                    MeasureUnit.Milliseconds or MeasureUnit.Unknown => duration.TotalMilliseconds,
                    MeasureUnit.Seconds => duration.TotalSeconds,
                    _ => Misfit(file, node, key, unit, checkKind, "a duration"),
                };
            }
            if (ByteSize.TryParse(text, out var size))
            {
                return unit is MeasureUnit.Bytes or MeasureUnit.Unknown ? size.Bytes : Misfit(file, node, key, unit, checkKind, "a size");
            }
        }
        file.Error(node, $"'{key}' must be a number, percentage, size or duration fitting the check's measure; found {Values.Found(node)}"
            + (unit == MeasureUnit.Unknown ? "" : $" (the {checkKind} check measures {Describe(unit)})"));
        return null;
    }

    private static double? Misfit(FileScope file, YNode node, string key, MeasureUnit unit, string? checkKind, string form)
    {
        file.Error(node, $"'{key}' is {form} ('{((YScalar)node).Value}'), but the {checkKind} check measures {Describe(unit)}");
        return null;
    }
}
