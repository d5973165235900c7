namespace Grader.Rubrics.Scoring;

/// <summary>How scores are rounded for people. Decisions are always taken on the unrounded values.</summary>
public static class ScoreRounding
{
    /// <summary>Float sums of partial points can land a hair below an exact pass mark (0.1 + 0.2...); this absorbs that noise only.</summary>
    internal const double Tolerance = 1e-9;

    /// <summary>Points: half away from zero to two decimals (2/3 -> 0.67, 0.125 -> 0.13).</summary>
    public static double Points(double points) => Math.Round(points, 2, MidpointRounding.AwayFromZero);

    /// <summary>
    /// Percentage (0..100) to one decimal, half away from zero, except that a share below the pass mark is never
    /// shown at or above it: 69.95% against a 70% mark shows as 69.9%, not 70.0%.
    /// </summary>
    public static double Percentage(double fraction, double passMark, bool reachedPassMark)
    {
        var percent = fraction * 100;
        var rounded = Math.Round(percent, 1, MidpointRounding.AwayFromZero);
        if (!reachedPassMark && rounded >= passMark * 100)
            return Math.Floor(percent * 10) / 10;
        return rounded;
    }

    /// <summary>Whether an earned share reaches the pass mark (unrounded, with float noise absorbed).</summary>
    public static bool Reaches(double fraction, double passMark) => fraction >= passMark - Tolerance;
}
