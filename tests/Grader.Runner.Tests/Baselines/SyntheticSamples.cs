namespace Grader.Runner.Tests.Baselines;

/// <summary>Seeded, realistic benchmark noise: log-normal spread around a median plus rare slow outliers.</summary>
internal static class SyntheticSamples
{
    public static double[] Draw(Random random, int count, double median, double noise, double outlierChance = 0.03)
    {
        var samples = new double[count];
        for (var i = 0; i < count; i++)
        {
            var value = median * Math.Exp(noise * Gaussian(random));
            if (random.NextDouble() < outlierChance) value *= 1.2 + random.NextDouble();
            samples[i] = value;
        }

        return samples;
    }

    private static double Gaussian(Random random)
    {
        // Box-Muller.
        var u1 = 1.0 - random.NextDouble();
        var u2 = random.NextDouble();
        return Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2);
    }
}
