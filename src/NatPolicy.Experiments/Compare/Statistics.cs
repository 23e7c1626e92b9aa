using NatPolicy.Core;

namespace NatPolicy.Experiments.Compare;

/// <summary>Across-seed statistics for reports (Agarwal et al. 2021: interquartile mean and bootstrap intervals).</summary>
public static class Statistics
{
    /// <summary>Bootstrap resamples used for confidence intervals.</summary>
    public const int BootstrapResamples = 2000;

    /// <summary>Fixed seed of the bootstrap: the same inputs give the same interval.</summary>
    public const ulong BootstrapSeed = 20020101;

    public static double Mean(IReadOnlyList<double> x) => x.Count == 0 ? double.NaN : x.Sum() / x.Count;

    /// <summary>Sample standard deviation (divisor n − 1); NaN for fewer than two values.</summary>
    public static double SampleStd(IReadOnlyList<double> x)
    {
        if (x.Count < 2) return double.NaN;
        double m = Mean(x);
        return Math.Sqrt(x.Sum(v => (v - m) * (v - m)) / (x.Count - 1));
    }

    /// <summary>Median; +∞ entries count as larger than everything (a seed that never reached a threshold).</summary>
    public static double Median(IReadOnlyList<double> x)
    {
        if (x.Count == 0) return double.NaN;
        var s = x.Order().ToArray();
        int n = s.Length;
        return n % 2 == 1 ? s[n / 2] : 0.5 * (s[n / 2 - 1] + s[n / 2]);
    }

    /// <summary>
    /// Interquartile mean: the mean of the middle 50% of the sorted values, with fractional weights at the cut
    /// points so it is defined for any n (n = 1, 2 give the mean).
    /// </summary>
    public static double InterquartileMean(IReadOnlyList<double> x)
    {
        int n = x.Count;
        if (n == 0) return double.NaN;
        var s = x.Order().ToArray();
        double lo = 0.25 * n, hi = 0.75 * n, sum = 0, weight = 0;
        for (int i = 0; i < n; i++)
        {
            double w = Math.Max(0, Math.Min(i + 1, hi) - Math.Max(i, lo));
            sum += w * s[i];
            weight += w;
        }
        return sum / weight;
    }

    /// <summary>95% percentile-bootstrap interval of <paramref name="statistic"/> over resamples of <paramref name="x"/>.</summary>
    public static (double Low, double High) BootstrapCi(IReadOnlyList<double> x, Func<IReadOnlyList<double>, double> statistic)
    {
        if (x.Count == 0) return (double.NaN, double.NaN);
        var rng = new Rng(BootstrapSeed);
        var stats = new double[BootstrapResamples];
        var sample = new double[x.Count];
        for (int b = 0; b < BootstrapResamples; b++)
        {
            for (int i = 0; i < sample.Length; i++) sample[i] = x[rng.NextInt(x.Count)];
            stats[b] = statistic(sample);
        }
        Array.Sort(stats);
        return (Quantile(stats, 0.025), Quantile(stats, 0.975));
    }

    /// <summary>Linear-interpolation quantile of sorted values (NumPy's default).</summary>
    public static double Quantile(IReadOnlyList<double> sorted, double q)
    {
        double pos = q * (sorted.Count - 1);
        int i = (int)Math.Floor(pos);
        if (i + 1 >= sorted.Count) return sorted[^1];
        return sorted[i] + (pos - i) * (sorted[i + 1] - sorted[i]);
    }
}
