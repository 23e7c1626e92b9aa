using NatPolicy.Experiments.Runs;

namespace NatPolicy.Experiments.Compare;

/// <summary>
/// One seed's learning curve read from its <c>progress.csv</c>: env steps and the return at each iteration, an
/// iteration without a finished episode carrying the previous return forward (NaN before the first one).
/// </summary>
public sealed record SeedCurve(string Folder, long[] EnvSteps, double[] Returns, double WallSeconds)
{
    public static SeedCurve Read(string runFolder)
    {
        var rows = ProgressCsv.Read(Path.Combine(runFolder, RunFolder.ProgressFile));
        var steps = rows.Select(r => r.EnvSteps).ToArray();
        var returns = new double[rows.Count];
        double last = double.NaN;
        for (int i = 0; i < rows.Count; i++)
        {
            if (!double.IsNaN(rows[i].ReturnMean)) last = rows[i].ReturnMean;
            returns[i] = last;
        }
        return new SeedCurve(runFolder, steps, returns, rows.Count == 0 ? 0 : rows[^1].WallSeconds);
    }

    /// <summary>Env steps at the end of the first iteration whose return_mean ≥ threshold; +∞ if none.</summary>
    public double StepsToThreshold(double threshold)
    {
        for (int i = 0; i < Returns.Length; i++)
            if (Returns[i] >= threshold) return EnvSteps[i];
        return double.PositiveInfinity;
    }

    /// <summary>Mean return over the last 10% of iterations (at least one), NaN-free entries only.</summary>
    public double FinalReturn()
    {
        int n = Returns.Length;
        if (n == 0) return double.NaN;
        int k = Math.Max(1, (int)Math.Ceiling(FinalFraction * n));
        var tail = Returns.Skip(n - k).Where(r => !double.IsNaN(r)).ToArray();
        return tail.Length == 0 ? double.NaN : tail.Average();
    }

    /// <summary>The share of iterations at the end averaged for the final return.</summary>
    public const double FinalFraction = 0.10;
}
