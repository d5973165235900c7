namespace Grader.Rubrics.Model;

/// <summary>
/// Partial credit from a check's measured value (<see cref="Results.CheckResult.Measure"/>), as a fraction 0..1 of the criterion's points.
/// </summary>
public abstract record CreditRule
{
    /// <summary>Fraction of points earned for the measured value.</summary>
    public abstract double Fraction(double measure);
}

/// <summary>Full points when the measure is on the right side of the threshold, else none.</summary>
public sealed record ThresholdCredit(double Threshold, bool HigherIsBetter) : CreditRule
{
    public override double Fraction(double measure) =>
        HigherIsBetter ? (measure >= Threshold ? 1 : 0) : (measure <= Threshold ? 1 : 0);
}

/// <summary>Linear between <see cref="Zero"/> (no points) and <see cref="Full"/> (all points), clamped. Works in either direction.</summary>
public sealed record LinearCredit(double Zero, double Full) : CreditRule
{
    public override double Fraction(double measure)
    {
        if (Full == Zero) return measure >= Full ? 1 : 0;
        var f = (measure - Zero) / (Full - Zero);
        return Math.Clamp(f, 0, 1);
    }
}

/// <summary>Stepped levels: the best step whose bound the measure reaches gives its fraction.</summary>
public sealed record SteppedCredit(IReadOnlyList<CreditStep> Steps, bool HigherIsBetter) : CreditRule
{
    public override double Fraction(double measure)
    {
        double best = 0;
        foreach (var step in Steps)
        {
            var reached = HigherIsBetter ? measure >= step.Bound : measure <= step.Bound;
            if (reached) best = Math.Max(best, step.Fraction);
        }
        return best;
    }
}

/// <param name="Bound">Measured value the step needs to reach.</param>
/// <param name="Fraction">Fraction of the criterion's points the step gives (0..1).</param>
public sealed record CreditStep(double Bound, double Fraction);
