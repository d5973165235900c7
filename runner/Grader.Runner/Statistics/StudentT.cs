namespace Grader.Runner.Statistics;

/// <summary>Student's t distribution: the quantiles a confidence interval of a small sample's mean needs.</summary>
public static class StudentT
{
    /// <summary>The value below which <paramref name="probability"/> of the distribution with <paramref name="degreesOfFreedom"/> lies.</summary>
    public static double Quantile(double probability, int degreesOfFreedom)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(degreesOfFreedom, 1);
        if (!(probability is > 0 and < 1)) throw new ArgumentOutOfRangeException(nameof(probability), probability, "a probability strictly between 0 and 1");
        if (probability == 0.5) return 0;
        if (probability < 0.5) return -Quantile(1 - probability, degreesOfFreedom);

        // The CDF is monotonic: bisection converges without the care a Newton step needs in the far tail.
        double low = 0, high = 1;
        while (Cdf(high, degreesOfFreedom) < probability) high *= 2;
        for (var i = 0; i < 200 && high - low > 1e-12 * Math.Max(1, high); i++)
        {
            var middle = (low + high) / 2;
            if (Cdf(middle, degreesOfFreedom) < probability) low = middle;
            else high = middle;
        }
        return (low + high) / 2;
    }

    /// <summary>P(T ≤ <paramref name="t"/>) for <paramref name="degreesOfFreedom"/>.</summary>
    public static double Cdf(double t, int degreesOfFreedom)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(degreesOfFreedom, 1);
        double df = degreesOfFreedom;
        var tail = 0.5 * RegularizedIncompleteBeta(df / 2, 0.5, df / (df + (t * t)));
        return t >= 0 ? 1 - tail : tail;
    }

    /// <summary>I_x(a, b) by its continued fraction (modified Lentz), using the symmetry that keeps it convergent.</summary>
    private static double RegularizedIncompleteBeta(double a, double b, double x)
    {
        if (x <= 0) return 0;
        if (x >= 1) return 1;
        var front = Math.Exp(LogGamma(a + b) - LogGamma(a) - LogGamma(b) + (a * Math.Log(x)) + (b * Math.Log(1 - x)));
        return x < (a + 1) / (a + b + 2)
            ? front * ContinuedFraction(a, b, x) / a
            : 1 - (front * ContinuedFraction(b, a, 1 - x) / b);
    }

    private static double ContinuedFraction(double a, double b, double x)
    {
        const double Tiny = 1e-300;
        double c = 1, d = 1 - ((a + b) * x / (a + 1));
        d = 1 / (Math.Abs(d) < Tiny ? Tiny : d);
        var result = d;
        for (var m = 1; m <= 300; m++)
        {
            var m2 = 2 * m;
            var even = m * (b - m) * x / ((a + m2 - 1) * (a + m2));
            d = 1 + (even * d);
            c = 1 + (even / c);
            d = 1 / (Math.Abs(d) < Tiny ? Tiny : d);
            c = Math.Abs(c) < Tiny ? Tiny : c;
            result *= d * c;
            var odd = -(a + m) * (a + b + m) * x / ((a + m2) * (a + m2 + 1));
            d = 1 + (odd * d);
            c = 1 + (odd / c);
            d = 1 / (Math.Abs(d) < Tiny ? Tiny : d);
            c = Math.Abs(c) < Tiny ? Tiny : c;
            var step = d * c;
            result *= step;
            if (Math.Abs(step - 1) < 1e-15) break;
        }
        return result;
    }

    /// <summary>ln Γ(x) for x &gt; 0 (Lanczos, g = 7, nine terms: about 15 significant digits).</summary>
    private static double LogGamma(double x)
    {
        ReadOnlySpan<double> coefficients =
        [
            0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
            12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
        ];
        if (x < 0.5) return Math.Log(Math.PI / Math.Abs(Math.Sin(Math.PI * x))) - LogGamma(1 - x);
        x -= 1;
        var sum = coefficients[0];
        for (var i = 1; i < coefficients.Length; i++) sum += coefficients[i] / (x + i);
        var t = x + 7.5;
        return (0.5 * Math.Log(2 * Math.PI)) + ((x + 0.5) * Math.Log(t)) - t + Math.Log(sum);
    }
}
