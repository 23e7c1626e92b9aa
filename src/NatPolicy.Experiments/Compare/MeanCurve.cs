namespace NatPolicy.Experiments.Compare;

/// <summary>
/// The mean learning curve of several seeds with a 95% percentile-bootstrap band of the mean, on the env-step grid
/// the seeds share (every seed of one config logs at the same env steps; the grid is cut to the shortest seed).
/// Points where some seed has not finished an episode yet are skipped.
/// </summary>
public sealed record MeanCurve(string Label, double[] EnvSteps, double[] Mean, double[] Low, double[] High)
{
    public static MeanCurve Compute(string label, IReadOnlyList<SeedCurve> seeds)
    {
        if (seeds.Count == 0) return new MeanCurve(label, [], [], [], []);
        int n = seeds.Min(s => s.Returns.Length);
        var x = new List<double>();
        var mean = new List<double>();
        var low = new List<double>();
        var high = new List<double>();
        var column = new double[seeds.Count];
        for (int i = 0; i < n; i++)
        {
            bool ok = true;
            for (int k = 0; k < seeds.Count; k++)
            {
                column[k] = seeds[k].Returns[i];
                ok &= !double.IsNaN(column[k]);
            }
            if (!ok) continue;
            x.Add(seeds[0].EnvSteps[i]);
            mean.Add(Statistics.Mean(column));
            var (lo, hi) = Statistics.BootstrapCi(column, Statistics.Mean);
            low.Add(lo);
            high.Add(hi);
        }
        return new MeanCurve(label, [.. x], [.. mean], [.. low], [.. high]);
    }
}
